import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/directory/schema.ts'],
  out: './drizzle',
});
