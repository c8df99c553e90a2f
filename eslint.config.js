import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      'drizzle/**',
      'coverage/**',
      'bench/**/out/**',
      '.stryker-tmp/**',
      'reports/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The console (browser code): the hooks rules catch stale closures and conditional hooks.
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
    languageOptions: {
      globals: Object.fromEntries(
        ['window', 'document', 'fetch', 'console', 'setTimeout', 'clearTimeout', 'URL', 'URLSearchParams']
          .concat(['XMLHttpRequest', 'DOMException', 'Blob', 'File', 'FormData', 'Headers', 'Response'])
          .concat(['navigator', 'AbortController', 'AbortSignal', 'HTMLElement', 'HTMLInputElement'])
          .map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    files: ['bench/**/*.mjs', 'scripts/**/*.mjs', 'stryker.config.mjs'],
    languageOptions: {
      globals: Object.fromEntries(
        [
          'process',
          'console',
          'URL',
          'URLSearchParams',
          'fetch',
          'performance',
          'Buffer',
          'AbortController',
          'TextDecoder',
          'TextEncoder',
          'Response',
          'Request',
          'Headers',
          'FormData',
          'Blob',
          'structuredClone',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'setImmediate',
          'queueMicrotask',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
);
