import { defineConfig } from 'drizzle-kit';

// The ERP's migrations (drizzle/erp), independent of the other apps':
// `npx drizzle-kit generate --config drizzle.erp.config.ts --name <change>`.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/erp/schema.ts'],
  out: './drizzle/erp',
});
