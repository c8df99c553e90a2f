import { defineConfig } from 'drizzle-kit';

// One migrations folder per app (drizzle/<app>), so each app's schema evolves on its own:
// `npx drizzle-kit generate --config drizzle.directory.config.ts --name <change>`.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/directory/schema.ts'],
  out: './drizzle/directory',
});
