import { SummaryReporter } from '@alliance/shared/testing';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { reporters: ['default', new SummaryReporter()], testTimeout: 30_000, hookTimeout: 60_000 },
});
