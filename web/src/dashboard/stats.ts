import type { Execution } from '../api/types';

export interface Bucket {
  start: number;
  succeeded: number;
  failed: number;
  other: number;
}

export interface Summary {
  total: number;
  finished: number;
  successRate: number | null;
  p95DurationMs: number | null;
  buckets: Bucket[];
}

/** The value at the given percentile (nearest rank) of unsorted numbers, or null for none. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Executions per time bucket (by start time) over [now - span, now], with the success rate and p95 of finished ones. */
export function summarise(executions: Execution[], now: number, spanMs: number, count: number): Summary {
  const size = spanMs / count;
  const origin = now - spanMs;
  const buckets: Bucket[] = Array.from({ length: count }, (_, i) => ({ start: origin + i * size, succeeded: 0, failed: 0, other: 0 }));
  for (const e of executions) {
    const at = Date.parse(e.started_at ?? e.created_at);
    const index = Math.floor((at - origin) / size);
    const bucket = buckets[index];
    if (!bucket) continue;
    if (e.status === 'succeeded') bucket.succeeded++;
    else if (e.status === 'failed') bucket.failed++;
    else bucket.other++;
  }
  const finished = executions.filter((e) => e.status === 'succeeded' || e.status === 'failed');
  const durations = executions.map((e) => e.duration_ms).filter((d): d is number => d !== null && d !== undefined);
  return {
    total: executions.length,
    finished: finished.length,
    successRate: finished.length === 0 ? null : finished.filter((e) => e.status === 'succeeded').length / finished.length,
    p95DurationMs: percentile(durations, 95),
    buckets,
  };
}
