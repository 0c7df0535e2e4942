import { describe, expect, it } from 'vitest';
import { diffLines } from './diff';

const render = (before: string, after: string) => diffLines(before, after).map((l) => `${l.kind === 'same' ? ' ' : l.kind === 'added' ? '+' : '-'}${l.text}`);

describe('line diff', () => {
  it('marks changed, added and removed lines and keeps the rest', () => {
    expect(render('a\nb\nc\nd', 'a\nB\nc\nd\ne')).toEqual([' a', '-b', '+B', ' c', ' d', '+e']);
    expect(render('a\nb\nc', 'a\nc')).toEqual([' a', '-b', ' c']);
  });

  it('numbers lines on both sides', () => {
    const lines = diffLines('x\ny', 'w\nx\ny');
    expect(lines).toEqual([
      { kind: 'added', text: 'w', right: 1 },
      { kind: 'same', text: 'x', left: 1, right: 2 },
      { kind: 'same', text: 'y', left: 2, right: 3 },
    ]);
  });

  it('handles identical and empty texts', () => {
    expect(render('same', 'same')).toEqual([' same']);
    expect(render('', 'new')).toEqual(['-', '+new']);
  });

  it('diffs a few thousand lines quickly', () => {
    const before = Array.from({ length: 3000 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 1500', 'changed').replace('line 10\n', '');
    const started = performance.now();
    const lines = diffLines(before, after);
    // Generous: a shared CI machine is slow; the point is that it is not cubic.
    expect(performance.now() - started).toBeLessThan(3000);
    expect(lines.filter((l) => l.kind !== 'same').map((l) => l.text)).toEqual(['line 10', 'line 1500', 'changed']);
  });
});
