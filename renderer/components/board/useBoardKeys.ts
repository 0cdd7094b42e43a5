import { useEffect, useRef } from 'react';
import type { TakeStage } from '../../../shared/board/derive';
import { useAppStoreApi, type AppState } from '../../store';
import { can } from '../../store/access';
import { filmstripOf, TAKE_STAGES, type BoardColumns } from '../../store/boardSelectors';
import { errorText } from '../errorText';
import { keyToAction, type KeyAction } from './boardKeys';

/** Where a take id sits: its column and index. */
function locate(board: BoardColumns, id: string | null): { stage: TakeStage; index: number } | null {
  if (!id) return null;
  const card = board.byId.get(id);
  if (!card || card.stage === 'draft') return null;
  const index = board.columns[card.stage].findIndex((c) => c.id === id);
  return index === -1 ? null : { stage: card.stage, index };
}

function firstFocusable(board: BoardColumns): string | null {
  for (const st of TAKE_STAGES) if (board.columns[st].length > 0) return board.columns[st][0]!.id;
  return null;
}

/** Text fields keep their keys; so do buttons, links and tabs for Enter and Space (they press them). */
export function isTypingTarget(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof Element)) return false;
  if (target.closest('input:not([type=checkbox]):not([type=radio]):not([type=range]), textarea, select, [contenteditable="true"]')) return true;
  return (key === 'Enter' || key === ' ') && target.closest('button, a, summary, input, [role="tab"], [role="radio"]') !== null;
}

/** Tag, untag or rate takes; a refusal is shown and the marks come back. */
function mark(s: AppState, ids: string[], action: Extract<KeyAction, { kind: 'tag' | 'clearTag' | 'stars' | 'override' }>): void {
  // S, O and A force the shortlist (shortlist.set): a producer's. Anyone else is told so, and nothing is sent to be refused.
  if (action.kind === 'override' && !can(s, 'shortlist.set')) return s.notify('info', 'Forcing takes in or out of the shortlist (S, O, A) is for a producer; P picks a take for it.');
  const p = action.kind === 'tag' ? s.tag(ids, action.tag) : action.kind === 'clearTag' ? s.untag(ids) : action.kind === 'stars' ? s.rate(ids, action.stars) : s.setOverride(ids, action.value);
  p.catch((e: unknown) => s.notify('error', errorText(e)));
}

const isMark = (a: KeyAction): a is Extract<KeyAction, { kind: 'tag' | 'clearTag' | 'stars' | 'override' }> =>
  a.kind === 'tag' || a.kind === 'clearTag' || a.kind === 'stars' || a.kind === 'override';

/**
 * The keyboard, anywhere on the page but text fields: on the board, arrows move between takes and
 * columns, P/X/U/F tag, 1–5 rate (0 clears), with auto-advance to the next take of the column;
 * Space/Shift select, Z undoes, Enter opens the loupe, C the survey, ? helps. In the loupe the same
 * tag and star keys act on the take shown and ←/→ walk its shot's filmstrip; in the survey they act
 * on the active take and ←/→ change it. (Space and , . play and step inside the viewers.)
 */
export function useBoardKeys(board: BoardColumns): void {
  const store = useAppStoreApi();
  const ref = useRef(board);
  ref.current = board;
  const anchor = useRef<string | null>(null);

  useEffect(() => {
    const inViewer = (action: KeyAction): boolean => {
      const s = store.getState();
      const o = s.overlay;
      if (o === null) return false;
      if (o.kind === 'loupe') {
        const strip = filmstripOf(ref.current, o.takeId);
        const i = strip.findIndex((c) => c.id === o.takeId);
        const go = (d: number) => {
          const next = strip[i + d];
          if (!next) return;
          s.focus(next.id);
          s.openOverlay({ kind: 'loupe', takeId: next.id });
        };
        if (isMark(action)) {
          mark(s, [o.takeId], action);
          if (s.isAutoAdvance) go(1);
        } else if (action.kind === 'move' && action.dx !== 0) go(action.dx);
        else if (action.kind === 'undo') undo(s);
      } else if (o.kind === 'survey') {
        const i = o.takeIds.indexOf(o.activeId);
        if (isMark(action)) mark(s, [o.activeId], action);
        else if (action.kind === 'move' && action.dx !== 0) {
          const next = o.takeIds[(i + action.dx + o.takeIds.length) % o.takeIds.length]!;
          s.openOverlay({ ...o, activeId: next });
        } else if (action.kind === 'undo') undo(s);
      }
      // Help, finalize and export dialogs keep every key to themselves.
      return true;
    };

    const onBoard = (action: KeyAction) => {
      const s = store.getState();
      const b = ref.current;
      let here = locate(b, s.focusedId);
      if (!here && action.kind !== 'help' && action.kind !== 'undo' && action.kind !== 'escape') {
        const first = firstFocusable(b);
        s.focus(first);
        here = locate(b, first);
        if (action.kind === 'move' || action.kind === 'edge') return;
      }
      const col = here ? b.columns[here.stage] : [];
      if (isMark(action)) {
        const now = store.getState();
        const ids = now.focusedId && now.selectedIds.includes(now.focusedId) ? now.selectedIds : now.focusedId ? [now.focusedId] : [];
        if (ids.length === 0 || !here) return;
        if (s.isAutoAdvance && ids.length === 1) {
          const next = col[here.index + 1] ?? col[here.index - 1];
          if (next) s.focus(next.id);
        }
        mark(s, ids, action);
        return;
      }
      switch (action.kind) {
        case 'move': {
          if (!here) return;
          if (action.dy !== 0) {
            const next = col[Math.min(col.length - 1, Math.max(0, here.index + action.dy))];
            if (!next) return;
            if (action.isExtend) {
              anchor.current ??= s.focusedId;
              const a = col.findIndex((c) => c.id === anchor.current);
              const z = col.findIndex((c) => c.id === next.id);
              const [lo, hi] = a === -1 ? [z, z] : [Math.min(a, z), Math.max(a, z)];
              s.setSelection(col.slice(lo, hi + 1).map((c) => c.id));
            } else anchor.current = null;
            s.focus(next.id);
            return;
          }
          let i = TAKE_STAGES.indexOf(here.stage) + action.dx;
          while (i >= 0 && i < TAKE_STAGES.length && b.columns[TAKE_STAGES[i]!].length === 0) i += action.dx;
          const target = TAKE_STAGES[i];
          if (target === undefined) return;
          const tcol = b.columns[target];
          s.focus(tcol[Math.min(here.index, tcol.length - 1)]!.id);
          anchor.current = null;
          return;
        }
        case 'edge': {
          const c = action.to === 'first' ? col[0] : col[col.length - 1];
          if (c) s.focus(c.id);
          return;
        }
        case 'undo':
          undo(s);
          return;
        case 'toggleSelect':
          if (s.focusedId) s.toggleSelected(s.focusedId);
          anchor.current = s.focusedId;
          return;
        case 'selectAll':
          s.setSelection(col.map((c) => c.id));
          return;
        case 'escape':
          s.setSelection([]);
          anchor.current = null;
          return;
        case 'open':
          if (s.focusedId) s.openOverlay({ kind: 'loupe', takeId: s.focusedId });
          return;
        case 'compare': {
          const sel = s.selectedIds.filter((id) => b.byId.has(id)).slice(0, 4);
          const ids = sel.length >= 2 ? sel : here && col[here.index + 1] ? [col[here.index]!.id, col[here.index + 1]!.id] : null;
          if (ids) s.openOverlay({ kind: 'survey', takeIds: ids, activeId: ids[0]! });
          else s.notify('info', 'Select 2 to 4 takes (Space) to survey them.');
          return;
        }
        case 'help':
          s.openOverlay({ kind: 'help' });
          return;
      }
    };

    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isTypingTarget(e.target, e.key)) return;
      const action = keyToAction(e);
      if (!action) return;
      const s = store.getState();
      if (s.overlay !== null) {
        if (action.kind === 'escape' || action.kind === 'toggleSelect') return;
        if (inViewer(action)) e.preventDefault();
        return;
      }
      e.preventDefault();
      s.setKeyboardActive(true);
      onBoard(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}

function undo(s: AppState): void {
  s.undo()
    .then((what) => s.notify('info', what ? `Undid: ${what}.` : 'Nothing to undo.'))
    .catch((e: unknown) => s.notify('error', errorText(e)));
}
