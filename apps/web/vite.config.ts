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
  build: { sourcemap: false },
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'e2e/**/*.test.ts'],
    reporters: ['default', new SummaryReporter()],
    passWithNoTests: true,
  },
});
