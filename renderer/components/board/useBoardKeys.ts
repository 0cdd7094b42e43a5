import { useCallback, useRef, type KeyboardEvent } from 'react';
import type { TakeStage } from '../../../shared/board/derive';
import { useAppStoreApi } from '../../store';
import { TAKE_STAGES, type BoardColumns } from '../../store/boardSelectors';
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

/**
 * The board's keyboard: arrows move between takes and columns, single keys tag (with auto-advance
 * to the next take of the column), Space/Shift select, Z undoes, Enter plays, C compares, ? helps.
 * Tag and shortlist keys act on the selection when the focused take is in it, else on the focused take.
 */
export function useBoardKeys(board: BoardColumns): (e: KeyboardEvent) => void {
  const store = useAppStoreApi();
  const ref = useRef(board);
  ref.current = board;
  const anchor = useRef<string | null>(null);

  const run = useCallback(
    (action: KeyAction) => {
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
      const targets = () => {
        const now = store.getState();
        return now.focusedId && now.selectedIds.includes(now.focusedId) ? now.selectedIds : now.focusedId ? [now.focusedId] : [];
      };
      const fail = (e: unknown) => s.notify('error', errorText(e));
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
        case 'tag':
        case 'clearTag':
        case 'override': {
          const ids = targets();
          if (ids.length === 0 || !here) return;
          if (s.isAutoAdvance && ids.length === 1) {
            const next = col[here.index + 1] ?? col[here.index - 1];
            if (next) s.focus(next.id);
          }
          const p = action.kind === 'tag' ? s.tag(ids, action.tag) : action.kind === 'clearTag' ? s.untag(ids) : s.setOverride(ids, action.value);
          p.catch(fail);
          return;
        }
        case 'undo':
          s.undo()
            .then((what) => s.notify('info', what ? `Undid: ${what}.` : 'Nothing to undo.'))
            .catch(fail);
          return;
        case 'toggleSelect':
          if (s.focusedId) s.toggleSelected(s.focusedId);
          anchor.current = s.focusedId;
          return;
        case 'selectAll':
          s.setSelection(col.map((c) => c.id));
          return;
        case 'escape':
          if (s.overlay) s.openOverlay(null);
          else s.setSelection([]);
          anchor.current = null;
          return;
        case 'open':
          if (s.focusedId) s.openOverlay({ kind: 'player', takeId: s.focusedId });
          return;
        case 'compare': {
          const sel = s.selectedIds.filter((id) => b.byId.has(id));
          const pair = sel.length >= 2 ? [sel[0]!, sel[1]!] : here && col[here.index + 1] ? [col[here.index]!.id, col[here.index + 1]!.id] : null;
          if (pair) s.openOverlay({ kind: 'compare', a: pair[0]!, b: pair[1]! });
          else s.notify('info', 'Select two takes (Space) to compare them.');
          return;
        }
        case 'help':
          s.openOverlay({ kind: 'help' });
          return;
      }
    },
    [store],
  );

  return useCallback(
    (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t.closest('input, textarea, select, [contenteditable="true"]')) return;
      const action = keyToAction(e);
      if (!action) return;
      e.preventDefault();
      store.getState().setKeyboardActive(true);
      run(action);
    },
    [run, store],
  );
}
