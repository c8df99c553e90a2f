import { defineConfig } from 'drizzle-kit';

// The bridge's migrations (drizzle/bridge), independent of the other apps':
// `npx drizzle-kit generate --config drizzle.bridge.config.ts --name <change>`.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/bridge/schema.ts'],
  out: './drizzle/bridge',
});
