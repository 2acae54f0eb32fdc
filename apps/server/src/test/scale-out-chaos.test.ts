import { describe, expect, it } from 'vitest';
import { FAULTS, runChaos } from './chaos.js';

// Real processes on a Postgres (CI's, else this machine's) and a Redis of the run's own.
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';

describe('chaos across three server processes', () => {
  it('after each fault every member, every process and the database hold the same roadmap, with every confirmed edit', { timeout: 600_000 }, async () => {
    const seed = Number(process.env.CHAOS_SEED ?? 20261202);
    const report = await runChaos({ seed, rounds: FAULTS.length, log: (line) => console.log(line) });
    console.log(`chaos seed ${seed}: ${report.rounds} rounds, ${report.edits} edits, ${report.confirmed} confirmed; converged after ${report.convergenceMs.join(', ')} ms`);
    expect(report.failures).toEqual([]);
    expect(report.rounds).toBe(FAULTS.length);
    for (const fault of FAULTS) expect(report.faults[fault]).toBe(1);
    // Edits went through all along, not only between faults.
    expect(report.confirmed).toBeGreaterThan(0);
  });
});
