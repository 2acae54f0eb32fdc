import type { Reporter, TestModule } from 'vitest/node';

export declare const SUMMARY_DIR: string;

/** Prints `N passed, N failed` and leaves the counts for the repository-wide total. */
export declare class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void;
}
