import { resolve } from 'node:path';
import { SummaryReporter } from '@alliance/shared/testing';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
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
      output: { entryFileNames: (chunk) => (chunk.name === 'shell-worker' ? 'shell-worker.js' : 'assets/[name]-[hash].js') },
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
