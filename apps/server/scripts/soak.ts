/**
 * The long chaos run: many seeded rounds of faults across three server processes (see
 * src/test/chaos.ts), with figures at the end. The test suite runs four rounds of the same.
 *
 *   npm run soak -w @alliance/server                 # 40 rounds, a random seed
 *   SOAK_ROUNDS=200 SOAK_SEED=7 npm run soak -w @alliance/server
 *
 * Needs Postgres (DATABASE_URL, default the local one) and redis-server on the PATH.
 */
import { runChaos, type Fault } from '../src/test/chaos.js';

process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
const rounds = Number(process.env.SOAK_ROUNDS ?? 40);
const seed = Number(process.env.SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(seed)) {
  console.error('SOAK_ROUNDS must be a positive integer and SOAK_SEED an integer');
  process.exit(2);
}

const started = Date.now();
console.log(`soak: ${rounds} rounds, seed ${seed}`);
const report = await runChaos({ seed, rounds, log: (line) => console.log(`soak: ${line}`) });
const sorted = [...report.convergenceMs].sort((a, b) => a - b);
const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0;
const faults = (Object.entries(report.faults) as [Fault, number][]).map(([fault, times]) => `${fault} ${times}`).join(', ');
console.log('');
console.log(`soak: seed ${seed}, ${report.rounds} of ${rounds} rounds in ${Math.round((Date.now() - started) / 1000)} s (${faults})`);
console.log(`soak: ${report.edits} edits, ${report.confirmed} confirmed as saved, every one of them found afterwards: ${report.failures.length === 0 ? 'yes' : 'NO'}`);
console.log(`soak: all copies equal after healing: median ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${sorted.at(-1) ?? 0} ms`);
for (const failure of report.failures) console.log(`soak: FAILED ${failure}`);
process.exit(report.failures.length === 0 && report.rounds === rounds ? 0 : 1);
