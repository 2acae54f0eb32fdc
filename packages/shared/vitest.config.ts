import { defineConfig } from 'vitest/config';
import { SummaryReporter } from './src/testing/summary-reporter.js';

export default defineConfig({
  test: { reporters: ['default', new SummaryReporter()] },
});
