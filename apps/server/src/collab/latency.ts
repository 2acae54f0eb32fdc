import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';
import type { LatencySummary } from './room-registry.js';

/**
 * A latency histogram in microseconds (HdrHistogram inside Node: constant memory, O(1) per
 * record), read out in milliseconds. Holds timings only, never anything about the documents.
 */
export class LatencyRecorder {
  private histogram: RecordableHistogram = createHistogram();

  /** Records the time since `startedAt` (a `performance.now()` reading). */
  since(startedAt: number): void {
    this.histogram.record(Math.max(1, Math.round((performance.now() - startedAt) * 1000)));
  }

  summary(): LatencySummary {
    const h = this.histogram;
    if (h.count === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
    const ms = (us: number) => Math.round(us) / 1000;
    return { count: h.count, p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
  }

  reset(): void {
    this.histogram.reset();
  }
}
