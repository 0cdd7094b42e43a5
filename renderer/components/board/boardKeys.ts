import type { Override, TagName } from '../../../shared/contract/board';

/** What a key does on the board. Pure: the keymap is data, shown as-is in the help overlay. */
export type KeyAction =
  | { kind: 'move'; dx: -1 | 0 | 1; dy: -1 | 0 | 1; isExtend: boolean }
  | { kind: 'edge'; to: 'first' | 'last' }
  | { kind: 'tag'; tag: TagName }
  | { kind: 'clearTag' }
  | { kind: 'stars'; stars: number | null }
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
      return { kind: 'tag', tag: 'promising' };
    case 'f':
    case 'F':
      return { kind: 'tag', tag: 'needs-fix' };
    case 'x':
    case 'X':
      return { kind: 'tag', tag: 'discard' };
    case 'u':
    case 'U':
      return { kind: 'clearTag' };
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
      return { kind: 'stars', stars: Number(e.key) };
    case '0':
      return { kind: 'stars', stars: null };
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

/** The loupe's and the survey's own keys (tag and star keys work there too). */
export const VIEWER_KEY_HELP: readonly { keys: string[]; what: string }[] = [
  { keys: ['←', '→'], what: 'Loupe: previous / next take in the filmstrip. Survey: previous / next take' },
  { keys: ['Space'], what: 'Play / pause' },
  { keys: [',', '.'], what: 'One frame back / forward' },
  { keys: ['Esc'], what: 'Back to the board' },
];

/** The help overlay's table: every key above, in words. */
export const KEY_HELP: readonly { keys: string[]; what: string }[] = [
  { keys: ['↑', '↓', 'J', 'K'], what: 'Previous / next take in the column' },
  { keys: ['←', '→', 'H', 'L'], what: 'Previous / next column' },
  { keys: ['Home', 'End'], what: 'First / last take in the column' },
  { keys: ['P'], what: 'Pick: tag promising' },
  { keys: ['X'], what: 'Reject: tag discard' },
  { keys: ['U'], what: 'Unflag: remove your tag' },
  { keys: ['F'], what: 'Tag needs-fix' },
  { keys: ['1', '2', '3', '4', '5'], what: 'Rate 1 to 5 stars' },
  { keys: ['0'], what: 'Clear your stars' },
  { keys: ['S'], what: 'Force into the shortlist' },
  { keys: ['O'], what: 'Keep out of the shortlist' },
  { keys: ['A'], what: 'Let the score decide (clear the override)' },
  { keys: ['Z', 'Ctrl+Z'], what: 'Undo your last tag or shortlist action' },
  { keys: ['Space'], what: 'Select / unselect the take' },
  { keys: ['Shift+↑', 'Shift+↓'], what: 'Extend the selection' },
  { keys: ['Ctrl+A'], what: 'Select the whole column' },
  { keys: ['Esc'], what: 'Clear the selection, close a dialog' },
  { keys: ['Enter'], what: 'Open the take in the loupe' },
  { keys: ['C'], what: 'Survey the selected takes (2 to 4) in sync' },
  { keys: ['?'], what: 'This help' },
];
