/** Small statistics for the bench: nearest-rank percentiles over a handful of samples. */

export function percentile(samples: readonly number[], p: number): number {
  if (!samples.length) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export interface Spread {
  median: number;
  p95: number;
  samples: number;
}

export function spread(samples: readonly number[]): Spread {
  return { median: percentile(samples, 50), p95: percentile(samples, 95), samples: samples.length };
}
