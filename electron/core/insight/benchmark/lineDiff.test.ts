import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './lineDiff';

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`);

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', 'x', 'y')).toBe('');
  });

  it('shows a change with three lines of context, removals first', () => {
    const a = lines(10);
    const b = [...a];
    b[4] = 'LINE 5';
    expect(unifiedDiff(a.join('\n'), b.join('\n'), 'a/p.yaml', 'b/p.yaml')).toBe(
      ['--- a/p.yaml', '+++ b/p.yaml', '@@ -2,7 +2,7 @@', ' line 2', ' line 3', ' line 4', '-line 5', '+LINE 5', ' line 6', ' line 7', ' line 8', ''].join('\n'),
    );
  });

  it('merges nearby changes into one hunk and keeps far ones apart', () => {
    const a = lines(30);
    const b = [...a];
    b[2] = 'x';
    b[6] = 'y';
    b[25] = 'z';
    const d = unifiedDiff(a.join('\n'), b.join('\n'), 'a', 'b');
    expect(d.split('\n').filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,10 +1,10 @@', '@@ -23,7 +23,7 @@']);
  });

  it('handles lines added at the end and removed at the start', () => {
    expect(unifiedDiff('a\nb', 'b\nc', 'a', 'b')).toBe(['--- a', '+++ b', '@@ -1,2 +1,2 @@', '-a', ' b', '+c', ''].join('\n'));
  });
});
