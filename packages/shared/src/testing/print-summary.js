// Prints the repository-wide `N passed, N failed` line after `turbo run test`, from the counts
// each package's SummaryReporter left. `--reset` clears old counts before a run.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SUMMARY_DIR } from './summary-reporter.js';

/** Packages that have tests; one that left no counts crashed before its end. */
const TEST_PACKAGES = ['shared', 'db', 'server', 'web'];

if (process.argv.includes('--reset')) {
  rmSync(SUMMARY_DIR, { recursive: true, force: true });
} else {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  console.log('\nTests by package:');
  for (const name of TEST_PACKAGES) {
    const file = join(SUMMARY_DIR, `${name}.json`);
    if (!existsSync(file)) {
      console.log(`  ${name.padEnd(8)} left no results: counted as 1 failed`);
      failed++;
      continue;
    }
    const counts = JSON.parse(readFileSync(file, 'utf8'));
    console.log(`  ${name.padEnd(8)} ${counts.passed} passed, ${counts.failed} failed`);
    passed += counts.passed;
    failed += counts.failed;
    skipped += counts.skipped;
    for (const failure of counts.failures ?? []) console.log(`    failed: ${failure}`);
  }
  for (const file of existsSync(SUMMARY_DIR) ? readdirSync(SUMMARY_DIR) : []) {
    if (!TEST_PACKAGES.includes(file.replace(/\.json$/, ''))) console.log(`  (ignored unexpected ${file})`);
  }
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
}
