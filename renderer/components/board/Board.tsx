import { useCallback, useMemo } from 'react';
import { STAGE_LABELS, type DraftCard, type TakeCard } from '../../../shared/contract/board';
import { useAppStore } from '../../store';
import { createBoardSelector, TAKE_STAGES } from '../../store/boardSelectors';
import { errorText } from '../errorText';
import { BoardColumn } from './BoardColumn';
import { BoardOverlays } from './BoardOverlays';
import { DraftCardView } from './DraftCardView';
import { ShortlistRuleControl } from './ShortlistRuleControl';
import { TakeCardView } from './TakeCardView';
import { useBoardKeys } from './useBoardKeys';

const EMPTY: Record<string, string> = {
  draft: 'Nothing generating. Draft a take above.',
  autocheck: 'Stored takes wait here for their check.',
  tag: 'Checked takes wait here for a verdict.',
  shortlist: 'Pick takes (P) to shortlist the best.',
  finalize: 'Release re-renders of the shortlist.',
  published: 'Exported finals.',
};

/** The board of the open project: a column per stage, keyboard first. */
export function Board() {
  const role = useAppStore((st) => st.role);
  const selectBoard = useMemo(createBoardSelector, []);
  const board = useAppStore(selectBoard);
  const focusedId = useAppStore((s) => s.focusedId);
  const selectedIds = useAppStore((s) => s.selectedIds);
  const scope = useAppStore((s) => s.shotScope);
  const shots = useAppStore((s) => (s.boardProjectId ? s.shotsByProject[s.boardProjectId] : undefined));
  const isLoaded = useAppStore((s) => s.isBoardLoaded);
  const { setShotScope, setKeyboardActive, isAutoAdvance, setAutoAdvance, undo, notify, openOverlay } = useAppStore((s) => s);
  const onKeyDown = useBoardKeys(board);
  const selected = useMemo(() => new Set(selectedIds), [selectedIds]);
  const shotName = useMemo(() => {
    const m = new Map((shots ?? []).map((s) => [s.id, s.name]));
    return (id: string) => (scope === 'all' && (shots?.length ?? 0) > 1 ? (m.get(id) ?? null) : null);
  }, [shots, scope]);

  const tabStop = focusedId && board.byId.has(focusedId) ? focusedId : (TAKE_STAGES.map((st) => board.columns[st][0]?.id).find(Boolean) ?? null);
  const renderTake = useCallback(
    (c: TakeCard) => (
      <TakeCardView card={c} isFocused={c.id === focusedId} isTabStop={c.id === tabStop} isSelected={selected.has(c.id)} showShot={shotName(c.shotId)} />
    ),
    [focusedId, tabStop, selected, shotName],
  );
  const renderDraft = useCallback((d: DraftCard) => <DraftCardView draft={d} showShot={shotName(d.shotId)} />, [shotName]);
  const shortlistCount = board.columns.shortlist.length;

  return (
    <section className="board" aria-label="Board">
      <div className="board-toolbar">
        <div className="shot-tabs" role="tablist" aria-label="Shots">
          <button type="button" role="tab" aria-selected={scope === 'all'} onClick={() => setShotScope('all')}>
            All shots
          </button>
          {(shots ?? []).map((s) => (
            <button key={s.id} type="button" role="tab" aria-selected={scope === s.id} onClick={() => setShotScope(s.id)}>
              {s.position}. {s.name}
            </button>
          ))}
        </div>
        <ShortlistRuleControl />
        <label className="inline">
          <input type="checkbox" checked={isAutoAdvance} onChange={(e) => setAutoAdvance(e.target.checked)} /> Auto-advance
        </label>
        <button type="button" onClick={() => void undo().then((w) => notify('info', w ? `Undid: ${w}.` : 'Nothing to undo.'), (e: unknown) => notify('error', errorText(e)))}>
          Undo
        </button>
        <button type="button" aria-label="Keyboard shortcuts" onClick={() => openOverlay({ kind: 'help' })}>
          ?
        </button>
        {selectedIds.length > 0 && <span className="muted">{selectedIds.length} selected</span>}
      </div>
      {!isLoaded ? (
        <p className="muted">Loading the board…</p>
      ) : (
        <div className="columns" onKeyDown={onKeyDown} onMouseDown={() => setKeyboardActive(false)}>
          <BoardColumn label={STAGE_LABELS.draft} items={board.drafts} keyOf={(d) => `${d.jobId}:${d.n}`} render={renderDraft} focusIndex={-1} empty={EMPTY.draft!} />
          {TAKE_STAGES.map((st) => {
            const items = board.columns[st];
            const focusIndex = focusedId && board.byId.get(focusedId)?.stage === st ? items.findIndex((c) => c.id === focusedId) : -1;
            return (
              <BoardColumn
                key={st}
                label={STAGE_LABELS[st]}
                items={items}
                keyOf={(c) => c.id}
                render={renderTake}
                focusIndex={focusIndex}
                empty={EMPTY[st]!}
                actions={
                  role === 'reviewer' ? undefined : st === 'shortlist' && shortlistCount > 0 ? (
                    <button type="button" className="primary small" onClick={() => openOverlay({ kind: 'finalize' })}>
                      Finalize {shortlistCount}
                    </button>
                  ) : st === 'finalize' && items.some((c) => c.release?.takeId) ? (
                    <button type="button" className="primary small" onClick={() => openOverlay({ kind: 'export' })}>
                      Export
                    </button>
                  ) : undefined
                }
              />
            );
          })}
        </div>
      )}
      <BoardOverlays board={board} />
    </section>
  );
}
