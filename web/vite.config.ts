import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
/** The API the dev server (npm run dev:web) forwards to: a Tandem started with npm start. */
const api = process.env.TANDEM_URL ?? 'http://127.0.0.1:3000';
const API_PREFIXES = ['/auth', '/directory', '/oauth2', '/api', '/sales', '/bridge', '/docs', '/discovery'];

/**
 * The console: built into dist/web, which the server serves at / (src/console/register-console.ts).
 * Each area is a lazily loaded chunk with the Fluent UI components only it uses; React and the router
 * are a vendor chunk of their own, so a release that changes a page leaves it cached.
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
