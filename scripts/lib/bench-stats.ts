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

/** Samples that are not finite numbers (a measurement that did not happen) are left out. */
export function spread(samples: readonly number[]): Spread {
  const kept = samples.filter(Number.isFinite);
  return { median: percentile(kept, 50), p95: percentile(kept, 95), samples: kept.length };
}
