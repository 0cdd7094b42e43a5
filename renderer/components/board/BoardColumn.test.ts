import { describe, expect, it } from 'vitest';
import { CARD_HEIGHT, scrollFor, windowOf } from './BoardColumn';

const ROW = CARD_HEIGHT + 8;

describe('a column’s window', () => {
  it('holds the rows in view and three either side, whatever the count', () => {
    expect(windowOf(100_000, 0, 900)).toEqual({ first: 0, last: 7 });
    // Scrolled to row 50 000: rows 49 997 … 50 007 (the top row starts at the padding, 8 px in).
    expect(windowOf(100_000, 8 + 50_000 * ROW, 900)).toEqual({ first: 49_997, last: 50_007 });
    expect(windowOf(2, 0, 900)).toEqual({ first: 0, last: 1 });
    expect(windowOf(0, 0, 900).last).toBe(-1);
  });

  it('scrolls a focused row into view with the least movement, padding kept, and not at all when it is in view', () => {
    expect(scrollFor(0, 0, 900)).toBe(0);
    expect(scrollFor(2, 0, 900)).toBe(0);
    // Below the view: its bottom (and the padding) lands at the bottom edge.
    expect(scrollFor(10, 0, 900)).toBe(8 + 10 * ROW + CARD_HEIGHT + 8 - 900);
    // Above the view: its top lands at the top edge with no blank strip above it but the padding.
    expect(scrollFor(3, 5000, 900)).toBe(3 * ROW);
  });
});
