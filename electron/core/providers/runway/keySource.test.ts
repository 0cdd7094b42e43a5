import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { redactSecrets } from './keySource';

// Issue 14 item 5: the Runway key is redacted in every form a provider might echo it.
const hex = randomBytes(64).toString('hex');
const key = `key_${hex}`;

describe('redactSecrets', () => {
  it('removes the key as is, without its prefix, upper-case, URL-encoded and base64-encoded', () => {
    const forms = [
      key,
      hex,
      hex.toUpperCase(),
      encodeURIComponent(key),
      key.replace('_', '%5F'),
      Buffer.from(key).toString('base64'),
      Buffer.from(key).toString('base64url'),
      Buffer.from(hex, 'hex').toString('base64'),
      Buffer.from(hex).toString('base64'),
    ];
    for (const f of forms) {
      const out = redactSecrets(`the server said: bad token "${f}" (try again)`, [key]);
      expect(out, f).toBe('the server said: bad token "[redacted key]" (try again)');
    }
  });

  it('says "Bearer [redacted]" once, whole, whatever came after the word', () => {
    expect(redactSecrets(`Authorization: Bearer ${key}`, [key])).toBe('Authorization: Bearer [redacted]');
    expect(redactSecrets(`Bearer ${hex} rejected`, [key])).toBe('Bearer [redacted] rejected');
    expect(redactSecrets(`Bearer ${key}`, [])).toBe('Bearer [redacted]');
    expect(redactSecrets('no secret here', [key])).toBe('no secret here');
  });
});
