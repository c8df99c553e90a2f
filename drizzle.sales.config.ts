import { defineConfig } from 'drizzle-kit';

// Sales migrations (drizzle/sales): `flock /tmp/tandem-sales-drizzle.lock npx drizzle-kit generate
// --config drizzle.sales.config.ts --name <change>` (the lock, because two people add to schema.ts).
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/sales/schema.ts'],
  out: './drizzle/sales',
});
