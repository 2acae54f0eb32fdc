import { SummaryReporter } from '@alliance/shared/testing';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', new SummaryReporter()],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start real servers and databases: one file at a time on 2 cores.
    fileParallelism: false,
  },
});
