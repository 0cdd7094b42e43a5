import { useEffect } from 'react';
import { Board } from './components/board/Board';
import { DraftForm } from './components/draft/DraftForm';
import { errorText } from './components/errorText';
import { fmtCredits, surfaceLabel } from './components/format';
import { InsightPanel } from './components/insight/InsightPanel';
import { LedgerPanel } from './components/LedgerPanel';
import { LoopGuide } from './components/LoopGuide';
import { Notices } from './components/Notices';
import { ProjectsPanel } from './components/ProjectsPanel';
import { QueuePanel } from './components/QueuePanel';
import { ConnectionButton } from './components/ConnectionDialog';
import { ShareButton } from './components/ShareDialog';
import { ShotsPanel } from './components/ShotsPanel';
import { useAppStore } from './store';
import type { MainTab } from './store/slices/boardUiSlice';
import { selectNeedsDecision, useSelectedProject, useTheme } from './store/selectors';
import { can } from './store/access';
import { mayCall } from '../shared/contract/access';

const TABS: { key: MainTab; label: string }[] = [
  { key: 'board', label: 'Board' },
  { key: 'queue', label: 'Queue' },
  { key: 'ledger', label: 'Ledger' },
  { key: 'insight', label: 'Costs' },
];

/**
 * True once the open board has a take. Asked of the shots' lists (a few dozen), never of the takes by
 * id: enumerating a season's 100,000 keys on every store change cost ~40 ms a keystroke.
 */
function hasAnyTake(shotTakes: Record<string, readonly unknown[]>): boolean {
  for (const list of Object.values(shotTakes)) if (list.length > 0) return true;
  return false;
}

export function App() {
  const theme = useTheme();
  const setTheme = useAppStore((s) => s.setTheme);
  const loadProjects = useAppStore((s) => s.loadProjects);
  const loadCredits = useAppStore((s) => s.loadCredits);
  const loadQueueStatus = useAppStore((s) => s.loadQueueStatus);
  const loadAttention = useAppStore((s) => s.loadAttention);
  const loadBoard = useAppStore((s) => s.loadBoard);
  const notify = useAppStore((s) => s.notify);
  const resetBoardUi = useAppStore((s) => s.resetBoardUi);
  const tab = useAppStore((s) => s.tab);
  const isDraftOpen = useAppStore((s) => s.isDraftOpen);
  const setDraftOpen = useAppStore((s) => s.setDraftOpen);
  const setTab = useAppStore((s) => s.setTab);
  const running = useAppStore((s) => s.queueStatus?.running ?? 0);
  const toDecide = useAppStore(selectNeedsDecision);
  const hasTakes = useAppStore((s) => !s.isBoardComplete || hasAnyTake(s.shotTakes));
  const project = useSelectedProject();
  const projectId = project?.id ?? null;

  const role = useAppStore((s) => s.role);
  const isOwner = role === 'owner';
  const isMember = useAppStore((s) => s.connection?.member != null);
  const seesMoney = useAppStore((s) => can(s, 'credits.balances'));
  const canDraft = useAppStore((s) => can(s, 'jobs.submit'));
  const canShare = useAppStore((s) => can(s, 'review.share'));
  // The Costs tab reads insight (the producer's and the admins'); a filmmaker has the queue and the ledger.
  const seesInsight = useAppStore((s) => can(s, 'insight.report'));
  const tabs = TABS.filter((t) => t.key === 'board' || (t.key === 'insight' ? seesInsight : seesMoney));
  useEffect(() => {
    if (role === null) return;
    const fail = (e: unknown) => notify('error', errorText(e));
    loadProjects().catch(fail);
    // A reviewer link sees the board only: no money, no queue.
    if (!mayCall(role, 'credits.balances')) return;
    loadCredits().catch(fail);
    loadQueueStatus().catch(fail);
    if (mayCall(role, 'jobs.deadLetters')) loadAttention().catch(fail);
  }, [role, loadProjects, loadCredits, loadQueueStatus, loadAttention, notify]);

  useEffect(() => {
    if (!projectId) return;
    resetBoardUi();
    loadBoard(projectId).catch((e: unknown) => notify('error', errorText(e)));
  }, [projectId, loadBoard, notify, resetBoardUi]);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.title = `${running > 0 ? `(${running} running) ` : ''}${project ? `${project.name} — ` : ''}Circle Take`;
  }, [theme, project, running]);

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand" aria-label="Circle Take">
          <span className="brand-mark" aria-hidden="true">◯</span> Circle Take
        </span>
        <span className="topbar-project">{project?.name ?? ''}</span>
        {role !== null && role !== 'owner' && <span className="role-badge">{isMember ? role : `${role} link`}</span>}
        <ConnectionButton />
        {seesMoney && <BalanceSummary />}
        {isOwner && <AuthorName />}
        {canShare && <ShareButton />}
        <button type="button" className="ghost" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}>
          {theme === 'dark' ? 'Light theme' : 'Dark theme'}
        </button>
      </header>
      <div className="layout">
        <aside className="sidebar">
          <ProjectsPanel />
          {projectId && <ShotsPanel projectId={projectId} />}
        </aside>
        <main className="main">
          {project ? (
            <>
              <div className="main-head">
                <h1 id="project-title">{project.name}</h1>
                <div className="tabs" role="tablist" aria-label="Views">
                  {tabs.map((t) => (
                    <button key={t.key} type="button" role="tab" aria-selected={tab === t.key} onClick={() => setTab(t.key)}>
                      {t.label}
                      {t.key === 'queue' && toDecide > 0 && (
                        <span className="badge attention" title={`${toDecide} job${toDecide === 1 ? '' : 's'} need${toDecide === 1 ? 's' : ''} a decision`}>
                          {' '}
                          {toDecide} to decide
                        </span>
                      )}
                      {t.key === 'queue' && running > 0 && <span className="badge"> {running} running</span>}
                    </button>
                  ))}
                </div>
              </div>
              {tab === 'board' && (
                <div className="board-view">
                  {!hasTakes && <LoopGuide />}
                  {canDraft && (
                    <details className="draft" open={isDraftOpen} onToggle={(e) => setDraftOpen(e.currentTarget.open)}>
                      <summary>New draft</summary>
                      <DraftForm projectId={project.id} />
                    </details>
                  )}
                  <Board />
                </div>
              )}
              {tab === 'queue' && <QueuePanel />}
              {tab === 'ledger' && <LedgerPanel projectId={project.id} />}
              {tab === 'insight' && <InsightPanel projectId={project.id} />}
            </>
          ) : (
            <section className="empty">
              <h1>Draft cheap, check automatically, finalize only the best.</h1>
              <p className="muted">Create or pick a project on the left to open its board.</p>
              <LoopGuide />
            </section>
          )}
        </main>
      </div>
      <Notices />
    </div>
  );
}

/**
 * What the active plan's surfaces hold now: the topbar's money at a glance. A surface the plan has
 * pools on stays visible at 0 (marked empty), so an empty pool is seen, not hidden.
 */
function BalanceSummary() {
  const balances = useAppStore((s) => s.balances);
  const planPools = useAppStore((s) => s.activeConfig?.plan.pools);
  const surfaces = (balances?.surfaces ?? []).filter((s) => s.posted !== 0 || s.reserved !== 0 || planPools?.[s.surface] !== undefined);
  if (surfaces.length === 0) return null;
  return (
    <span className="balance-summary" aria-label="Balances">
      {surfaces.map((s) => (
        <span key={s.surface} className={s.available <= 0 ? 'empty-balance' : undefined} title={s.available <= 0 ? 'Empty: the Ledger tab tops it up, buys or switches plan.' : undefined}>
          {surfaceLabel(s.surface)} {fmtCredits(s.available)}
        </span>
      ))}
    </span>
  );
}

/** The name this session tags and comments as (a UI preference). */
function AuthorName() {
  const name = useAppStore((s) => s.authorName);
  const setName = useAppStore((s) => s.setAuthorName);
  return (
    <input className="author" aria-label="Your name" placeholder="Your name (tags)" value={name} maxLength={60} onChange={(e) => setName(e.target.value)} />
  );
}
