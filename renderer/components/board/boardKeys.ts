import type { Override, TagName } from '../../../shared/contract/board';

/** What a key does on the board. Pure: the keymap is data, shown as-is in the help overlay. */
export type KeyAction =
  | { kind: 'move'; dx: -1 | 0 | 1; dy: -1 | 0 | 1; isExtend: boolean }
  | { kind: 'edge'; to: 'first' | 'last' }
  | { kind: 'tag'; tag: TagName }
  | { kind: 'clearTag' }
  | { kind: 'override'; value: Override | null }
  | { kind: 'undo' }
  | { kind: 'toggleSelect' }
  | { kind: 'selectAll' }
  | { kind: 'escape' }
  | { kind: 'open' }
  | { kind: 'compare' }
  | { kind: 'help' };

export interface KeyLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

export function keyToAction(e: KeyLike): KeyAction | null {
  const mod = e.ctrlKey || e.metaKey;
  if (e.altKey) return null;
  if (mod) {
    if (e.key === 'z' || e.key === 'Z') return e.shiftKey ? null : { kind: 'undo' };
    if (e.key === 'a' || e.key === 'A') return { kind: 'selectAll' };
    return null;
  }
  switch (e.key) {
    case 'ArrowUp':
    case 'k':
      return { kind: 'move', dx: 0, dy: -1, isExtend: e.shiftKey };
    case 'ArrowDown':
    case 'j':
      return { kind: 'move', dx: 0, dy: 1, isExtend: e.shiftKey };
    case 'ArrowLeft':
    case 'h':
      return { kind: 'move', dx: -1, dy: 0, isExtend: false };
    case 'ArrowRight':
    case 'l':
      return { kind: 'move', dx: 1, dy: 0, isExtend: false };
    case 'Home':
      return { kind: 'edge', to: 'first' };
    case 'End':
      return { kind: 'edge', to: 'last' };
    case 'p':
    case 'P':
    case '1':
      return { kind: 'tag', tag: 'promising' };
    case 'f':
    case 'F':
    case '2':
      return { kind: 'tag', tag: 'needs-fix' };
    case 'x':
    case 'X':
    case '3':
      return { kind: 'tag', tag: 'discard' };
    case 'u':
    case 'U':
    case '0':
      return { kind: 'clearTag' };
    case 's':
    case 'S':
      return { kind: 'override', value: 'in' };
    case 'o':
    case 'O':
      return { kind: 'override', value: 'out' };
    case 'a':
    case 'A':
      return { kind: 'override', value: null };
    case 'z':
    case 'Z':
      return { kind: 'undo' };
    case ' ':
      return { kind: 'toggleSelect' };
    case 'Escape':
      return { kind: 'escape' };
    case 'Enter':
      return { kind: 'open' };
    case 'c':
    case 'C':
      return { kind: 'compare' };
    case '?':
      return { kind: 'help' };
    default:
      return null;
  }
}

/** The help overlay's table: every key above, in words. */
export const KEY_HELP: readonly { keys: string[]; what: string }[] = [
  { keys: ['↑', '↓', 'J', 'K'], what: 'Previous / next take in the column' },
  { keys: ['←', '→', 'H', 'L'], what: 'Previous / next column' },
  { keys: ['Home', 'End'], what: 'First / last take in the column' },
  { keys: ['P', '1'], what: 'Pick: tag promising' },
  { keys: ['F', '2'], what: 'Tag needs-fix' },
  { keys: ['X', '3'], what: 'Reject: tag discard' },
  { keys: ['U', '0'], what: 'Remove your tag' },
  { keys: ['S'], what: 'Force into the shortlist' },
  { keys: ['O'], what: 'Keep out of the shortlist' },
  { keys: ['A'], what: 'Let the score decide (clear the override)' },
  { keys: ['Z', 'Ctrl+Z'], what: 'Undo your last tag or shortlist action' },
  { keys: ['Space'], what: 'Select / unselect the take' },
  { keys: ['Shift+↑', 'Shift+↓'], what: 'Extend the selection' },
  { keys: ['Ctrl+A'], what: 'Select the whole column' },
  { keys: ['Esc'], what: 'Clear the selection, close a dialog' },
  { keys: ['Enter'], what: 'Play the take (frame step with , and .)' },
  { keys: ['C'], what: 'Compare two takes side by side' },
  { keys: ['?'], what: 'This help' },
];
