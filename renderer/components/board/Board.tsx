import { useCallback, useMemo } from 'react';
import { STAGE_LABELS, type DraftCard, type TakeCard } from '../../../shared/contract/board';
import { useShallow } from 'zustand/react/shallow';
import type { Job } from '../../../shared/contract/jobs';
import { useAppStore, type AppState } from '../../store';
import { createBoardSelector, TAKE_STAGES } from '../../store/boardSelectors';
import { createBoardFilter, modelsOf, VERDICT_LABELS, type VerdictFilter } from '../../store/boardFilter';
import { errorText } from '../errorText';
import { BoardColumn } from './BoardColumn';
import { BoardOverlays } from './BoardOverlays';
import { DraftCardView } from './DraftCardView';
import { JobProblems } from './JobProblemCard';
import { ShortlistRuleControl } from './ShortlistRuleControl';
import { TakeCardView } from './TakeCardView';
import { useBoardKeys } from './useBoardKeys';
import { can } from '../../store/access';

const EMPTY: Record<string, string> = {
  draft: 'Nothing generating. Draft a take above.',
  autocheck: 'Stored takes wait here for their check.',
  tag: 'Checked takes wait here for a verdict.',
  shortlist: 'Pick takes (P) to shortlist the best.',
  finalize: 'Release re-renders of the shortlist.',
  published: 'Exported finals.',
};

/** The open project's jobs waiting for a person (dead letters, UNKNOWN creates), newest first. */
function problemJobs(s: AppState, scope: string): Job[] {
  if (!can(s, 'jobs.deadLetters') || !s.boardProjectId) return [];
  const mine = (j: Job) => j.projectId === s.boardProjectId && (scope === 'all' || j.shotId === scope);
  const unknown = Object.values(s.jobs).filter((j) => j.status === 'unknown' && mine(j));
  return [...unknown, ...s.deadLetters.filter(mine)].sort((a, b) => (b.finishedAt ?? b.createdAt) - (a.finishedAt ?? a.createdAt));
}

/** The board of the open project: a column per stage, keyboard first. */
export function Board() {
  // The shortlist rule (shortlist.auto) is the producer's too.
  const canSetRule = useAppStore((st) => can(st, 'shortlist.auto'));
  const canReuse = useAppStore((st) => can(st, 'takes.recipe') && can(st, 'jobs.submit'));
  // Finalizing and exporting are the producer's (and the studio's admins'): a filmmaker or a reviewer is not offered them.
  const canFinalize = useAppStore((st) => can(st, 'finalize.plan') && can(st, 'finalize.run'));
  const canExport = useAppStore((st) => can(st, 'export.check') && can(st, 'export.run'));
  const selectBoard = useMemo(createBoardSelector, []);
  const applyFilter = useMemo(createBoardFilter, []);
  const whole = useAppStore(selectBoard);
  const filter = useAppStore((s) => s.filter);
  const setFilter = useAppStore((s) => s.setFilter);
  const board = applyFilter(whole, filter);
  // Models change with the takes, never with a tag: keyed on the by-id map, which a tag patches in place.
  const byId = whole.byId;
  const models = useMemo(() => modelsOf(byId), [byId]);
  const focusedId = useAppStore((s) => s.focusedId);
  const selectedIds = useAppStore((s) => s.selectedIds);
  const scope = useAppStore((s) => s.shotScope);
  const shots = useAppStore((s) => (s.boardProjectId ? s.shotsByProject[s.boardProjectId] : undefined));
  const isLoaded = useAppStore((s) => s.isBoardLoaded);
  const isComplete = useAppStore((s) => s.isBoardComplete);
  const { setShotScope, setKeyboardActive, isAutoAdvance, setAutoAdvance, undo, notify, openOverlay } = useAppStore((s) => s);
  useBoardKeys(board);
  const problems = useAppStore(useShallow((s) => problemJobs(s, scope)));
  const { editJob, reuseTake } = useAppStore((s) => s);
  const focusedCard = focusedId ? (board.byId.get(focusedId) ?? null) : null;
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
  const fail = (e: unknown) => notify('error', errorText(e));
  // UNKNOWN jobs show as a decision card, not also as variations "generating".
  const drafts = useMemo(() => (problems.length === 0 ? board.drafts : board.drafts.filter((d) => d.jobStatus !== 'unknown')), [board.drafts, problems.length]);
  const shortlistCount = board.columns.shortlist.length;

  return (
    <section className="board" aria-label="Board" aria-busy={!isComplete}>
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
        <label className="inline">
          Show{' '}
          <select aria-label="Show" value={filter.verdict} onChange={(e) => setFilter({ verdict: e.target.value as VerdictFilter })}>
            {(Object.keys(VERDICT_LABELS) as VerdictFilter[]).map((v) => (
              <option key={v} value={v}>
                {VERDICT_LABELS[v]}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          Made with{' '}
          <select aria-label="Made with" value={filter.model ?? ''} onChange={(e) => setFilter({ model: e.target.value || null })}>
            <option value="">All models</option>
            {models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        {canSetRule && <ShortlistRuleControl />}
        <label className="inline">
          <input type="checkbox" checked={isAutoAdvance} onChange={(e) => setAutoAdvance(e.target.checked)} /> Auto-advance
        </label>
        <button type="button" onClick={() => void undo().then((w) => notify('info', w ? `Undid: ${w}.` : 'Nothing to undo.'), (e: unknown) => notify('error', errorText(e)))}>
          Undo
        </button>
        <button type="button" aria-label="Keyboard shortcuts" onClick={() => openOverlay({ kind: 'help' })}>
          ?
        </button>
        {canReuse && focusedCard && (
          <button type="button" onClick={() => void reuseTake(focusedCard.id).catch(fail)}>
            Reuse take {focusedCard.number}
          </button>
        )}
        {selectedIds.length > 0 && <span className="muted">{selectedIds.length} selected</span>}
        {isLoaded && !isComplete && <span className="muted">Loading more shots…</span>}
      </div>
      {!isLoaded ? (
        <p className="muted">Loading the board…</p>
      ) : (
        <div className="columns" onMouseDown={() => setKeyboardActive(false)}>
          <BoardColumn
            label={STAGE_LABELS.draft}
            items={drafts}
            keyOf={(d) => `${d.jobId}:${d.n}`}
            render={renderDraft}
            focusIndex={-1}
            empty={problems.length > 0 || !canReuse ? 'Nothing generating.' : EMPTY.draft!}
            actions={problems.length > 0 ? <JobProblems jobs={problems} shotName={shotName} onEdit={(j) => void editJob(j.id).catch(fail)} /> : undefined}
          />
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
                  st === 'shortlist' && shortlistCount > 0 && canFinalize ? (
                    <button type="button" className="primary small" onClick={() => openOverlay({ kind: 'finalize' })}>
                      Finalize {shortlistCount}
                    </button>
                  ) : st === 'finalize' && canExport && items.some((c) => c.release?.takeId) ? (
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
