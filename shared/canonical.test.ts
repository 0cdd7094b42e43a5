import { describe, expect, it } from 'vitest';
import { canonicalJson, normalizePrompt } from './canonical';

describe('canonical forms', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined, x: 0 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"x":0,"z":1}]},"b":1}');
  });
  it('normalizes whitespace and Unicode in prompts, keeping case and punctuation', () => {
    expect(normalizePrompt('  A  cat\n\tsits. ')).toBe('A cat sits.');
    expect(normalizePrompt('cafe\u0301')).toBe(normalizePrompt('café'));
    expect(normalizePrompt('A cat')).not.toBe(normalizePrompt('a cat'));
    expect(normalizePrompt(undefined)).toBe('');
  });
});
