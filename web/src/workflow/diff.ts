export type DiffLine = { kind: 'same' | 'added' | 'removed'; text: string; left?: number; right?: number };

/**
 * A line diff (longest common subsequence) of two texts, for comparing two versions of a definition. Quadratic in
 * lines, which is fine for definitions (a 200-step workflow is a few thousand lines at most); common head and tail
 * lines are trimmed first so typical small edits cost little.
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  // lengths[i][j] = LCS of x[i..] and y[j..]
  const lengths: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      lengths[i]![j] = x[i] === y[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  for (let k = 0; k < head; k++) out.push({ kind: 'same', text: a[k]!, left: k + 1, right: k + 1 });
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      out.push({ kind: 'same', text: x[i]!, left: head + i + 1, right: head + j + 1 });
      i++;
      j++;
    } else if (i < x.length && (j === y.length || lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) {
      // Removed lines first, then what replaced them, as diffs usually read.
      out.push({ kind: 'removed', text: x[i]!, left: head + i + 1 });
      i++;
    } else {
      out.push({ kind: 'added', text: y[j]!, right: head + j + 1 });
      j++;
    }
  }
  for (let k = 0; k < tail; k++) {
    const left = a.length - tail + k;
    const right = b.length - tail + k;
    out.push({ kind: 'same', text: a[left]!, left: left + 1, right: right + 1 });
  }
  return out;
}
