import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
/** The API the dev server (npm run dev:web) forwards to: a Tandem started with npm start. */
const api = process.env.TANDEM_URL ?? 'http://127.0.0.1:3000';
const API_PREFIXES = ['/auth', '/directory', '/oauth2', '/api', '/sales', '/bridge', '/docs', '/discovery'];

/**
 * The console: built into dist/web, which the server serves at / (src/console/register-console.ts).
 * Each area is a lazily loaded chunk with the Fluent UI components only it uses (components several
 * areas share go to shared chunks, loaded with the first area that needs them); React and the router
 * are a vendor chunk of their own, so a release that changes a page leaves it cached. Grouping all of
 * Fluent UI into one vendor chunk was measured and rejected: it moves ~110 kB into the first load.
 */
export default defineConfig({
  root: webRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/ }],
        },
      },
    },
  },
  server: {
    proxy: Object.fromEntries(API_PREFIXES.map((prefix) => [prefix, { target: api, changeOrigin: false }])),
  },
});
