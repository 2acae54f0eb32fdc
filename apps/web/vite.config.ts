import { resolve } from 'node:path';
import { SummaryReporter } from '@alliance/shared/testing';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';
import { precompress } from './tools/precompress.js';
import { pureSchemas } from './tools/pure-schemas.js';
import { shellAssets } from './tools/shell-assets.js';

/**
 * Libraries in chunks of their own, named after them: a new build of the app leaves them as
 * they were, so a returning browser keeps them from its cache. The first screen needs react,
 * yjs and socket.io; the editor and the charts load after it.
 */
const VENDOR_CHUNKS: readonly { name: string; test: RegExp }[] = [
  { name: 'react', test: /node_modules[\\/](?:react|react-dom|scheduler)[\\/]/ },
  { name: 'yjs', test: /node_modules[\\/](?:yjs|y-protocols|lib0)[\\/]/ },
  { name: 'codemirror', test: /node_modules[\\/](?:@codemirror|@lezer|y-codemirror\.next|style-mod|w3c-keyname|crelt|@marijn)[\\/]/ },
  { name: 'recharts', test: /node_modules[\\/](?:recharts|d3-[^\\/]+|victory-vendor|internmap|decimal\.js-light|es-toolkit|eventemitter3|react-redux|@reduxjs|redux|redux-thunk|reselect|immer|use-sync-external-store|tiny-invariant|clsx|react-is)[\\/]/ },
  { name: 'socket.io', test: /node_modules[\\/](?:socket\.io-client|socket\.io-parser|engine\.io-client|engine\.io-parser|@socket\.io|xmlhttprequest-ssl|debug|ms)[\\/]/ },
];

export default defineConfig({
  plugins: [react(), pureSchemas(), shellAssets(), precompress()],
  server: {
    // In development the API and realtime endpoints live on the server (npm run dev there).
    proxy: {
      '/api': 'http://localhost:3000',
      '/socket.io': { target: 'ws://localhost:3000', ws: true },
    },
  },
  build: {
    sourcemap: false,
    rolldownOptions: {
      // The shell's service worker is a second entry, at the root (its scope is the pages under it).
      input: { index: resolve(import.meta.dirname, 'index.html'), 'shell-worker': resolve(import.meta.dirname, 'src/app-shell/shell-worker.ts') },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'shell-worker' ? 'shell-worker.js' : 'assets/[name]-[hash].js'),
        chunkFileNames: 'assets/[name]-[hash].js',
        codeSplitting: { groups: VENDOR_CHUNKS.map((group) => ({ ...group })) },
      },
    },
  },
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'e2e/**/*.test.ts'],
    reporters: ['default', new SummaryReporter()],
    // On a loaded 2-core CI machine a browser test now and then misses a wait; in CI one such test
    // runs once more before it counts as failed (the default reporter still lists the first failure).
    retry: process.env.CI ? 1 : 0,
    passWithNoTests: true,
  },
});
