import { z } from 'zod';

/** Characters a name may not hold: NUL and other controls, and the bidi controls that reorder text. */
const BIDI: Record<number, string> = {
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
};

const hex = (n: number) => `U+${n.toString(16).toUpperCase().padStart(4, '0')}`;

/** The first character a name may not hold, said so a person can find it; null when the name is clean. */
export function badNameCharacter(s: string): string | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return `${hex(c)} (a lone surrogate: broken text)`;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return `${hex(c)} (a lone surrogate: broken text)`;
    if (c === 0) return 'U+0000 (NUL)';
    if (c < 0x20 || c === 0x7f) return `${hex(c)} (a control character)`;
    if (BIDI[c]) return `${hex(c)} (${BIDI[c]}, which reorders how the name reads)`;
  }
  return null;
}

/** A project or shot name: trimmed, 1 to 120 characters, none of them controls, bidi overrides or broken text. */
export const SafeName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(120, 'must be at most 120 characters')
  .superRefine((s, ctx) => {
    const bad = badNameCharacter(s);
    if (bad) ctx.addIssue({ code: 'custom', message: `must not contain ${bad}; remove it` });
  });
