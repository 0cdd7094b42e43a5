import { describe, expect, it } from 'vitest';
import { createIds } from './nodePorts';

describe('createIds', () => {
  it('makes distinct, well-formed ids in the same millisecond, across refills of its random pool', () => {
    const ids = createIds({ now: () => 1_765_000_000_000 });
    // 2,000 ids spend the 4,092-byte pool (341 ids) five times over.
    const made = Array.from({ length: 2000 }, () => ids.newId('job'));
    for (const id of made) expect(id).toMatch(/^job_[0-9a-z]{9}[0-9a-z]{12}$/);
    expect(new Set(made).size).toBe(made.length);
    // The random part is not one repeating pattern: the 12 characters vary in every position.
    for (let i = 0; i < 12; i++) expect(new Set(made.map((id) => id.at(-12 + i))).size).toBeGreaterThan(20);
  });
});
