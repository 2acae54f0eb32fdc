// Plain JavaScript so every package's vitest.config.ts can import it without a TS loader.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where each package's test counts are left for the total (inside the root node_modules). */
export const SUMMARY_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../../node_modules/.cache/alliance-tests');

/**
 * A Vitest reporter that prints the plain `N passed, N failed` line CI reads, and leaves the
 * counts for the repository-wide total printed after `npm test`.
 */
export class SummaryReporter {
  /**
   * @param {ReadonlyArray<import('vitest/node').TestModule>} testModules
   * @param {ReadonlyArray<unknown>} unhandledErrors
   */
  onTestRunEnd(testModules, unhandledErrors) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    /** What failed, a line each, so the total at the end of a long run names it. */
    const failures = [];
    for (const testModule of testModules) {
      const tests = [...testModule.children.allTests()];
      // A file that failed to load has no tests: count it as a failure so it cannot hide.
      if (tests.length === 0 && testModule.state() === 'failed') {
        failed++;
        failures.push(`${testModule.moduleId}: did not load`);
      }
      for (const test of tests) {
        const result = test.result();
        if (result.state === 'passed') passed++;
        else if (result.state === 'failed') {
          failed++;
          failures.push(`${testModule.relativeModuleId ?? testModule.moduleId} > ${test.fullName}: ${firstLine(result.errors?.[0]?.message)}`);
        } else skipped++;
      }
    }
    failed += unhandledErrors.length;
    for (const error of unhandledErrors) failures.push(`unhandled error: ${firstLine(/** @type {Error} */ (error)?.message)}`);
    const name = basename(process.cwd());
    mkdirSync(SUMMARY_DIR, { recursive: true });
    writeFileSync(join(SUMMARY_DIR, `${name}.json`), JSON.stringify({ name, passed, failed, skipped, failures }));
    console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  }
}

/** @param {unknown} message */
function firstLine(message) {
  return (String(message ?? 'no message').split('\n')[0] ?? '').slice(0, 200);
}
