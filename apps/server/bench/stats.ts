/** Latency samples in milliseconds, kept whole so percentiles are exact (a few 100k at most). */
export class Samples {
  private values = new Float64Array(1024);
  private size = 0;
  private sorted = true;

  add(value: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = value;
    this.sorted = false;
  }

  get count(): number {
    return this.size;
  }

  /** A copy of the values (to send to another thread). */
  toArray(): Float64Array {
    return this.values.slice(0, this.size);
  }

  /** Every value of the given arrays. */
  static of(arrays: Float64Array[]): Samples {
    const samples = new Samples();
    const size = arrays.reduce((sum, values) => sum + values.length, 0);
    samples.values = new Float64Array(Math.max(1024, size));
    for (const values of arrays) {
      samples.values.set(values, samples.size);
      samples.size += values.length;
    }
    samples.sorted = samples.size === 0;
    return samples;
  }

  /** The q-quantile (0…1) by nearest rank, or NaN without samples. */
  quantile(q: number): number {
    if (this.size === 0) return Number.NaN;
    if (!this.sorted) {
      this.values.subarray(0, this.size).sort();
      this.sorted = true;
    }
    const rank = Math.min(this.size - 1, Math.max(0, Math.ceil(q * this.size) - 1));
    return this.values[rank] ?? Number.NaN;
  }

  max(): number {
    return this.quantile(1);
  }

  summary(): LatencySummary {
    return { count: this.size, p50: round(this.quantile(0.5)), p99: round(this.quantile(0.99)), max: round(this.max()) };
  }
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Rounds to three significant decimals for printing and JSON (NaN becomes null in JSON). */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
