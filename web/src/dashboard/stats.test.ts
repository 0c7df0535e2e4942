import { describe, expect, it } from 'vitest';
import type { Execution } from '../api/types';
import { percentile, summarise } from './stats';

const run = (status: string, startedMinutesAgo: number, durationMs: number | null, now: number) =>
  ({ id: `${status}${startedMinutesAgo}`, status, started_at: new Date(now - startedMinutesAgo * 60_000).toISOString(), created_at: '', duration_ms: durationMs }) as unknown as Execution;

describe('dashboard statistics', () => {
  it('computes the nearest-rank percentile', () => {
    expect(percentile([], 95)).toBeNull();
    expect(percentile([5], 95)).toBe(5);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 95)).toBe(95);
    expect(percentile([10, 1, 3], 50)).toBe(3);
  });

  it('buckets by start time and rates only finished executions', () => {
    const now = Date.parse('2026-11-21T12:00:00Z');
    const s = summarise([
      run('succeeded', 5, 100, now), run('succeeded', 50, 300, now), run('failed', 55, 200, now), run('running', 1, null, now), run('succeeded', 120, 1, now),
    ], now, 60 * 60_000, 6);
    expect(s.total).toBe(5);
    expect(s.successRate).toBeCloseTo(3 / 4);
    expect(s.buckets.map((b) => b.succeeded + b.failed + b.other)).toEqual([1, 1, 0, 0, 0, 2]);
    expect(s.buckets[0]!.failed).toBe(1);
    expect(s.p95DurationMs).toBe(300);
  });
});
