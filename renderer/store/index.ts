import { createContext, createElement, useContext, type ReactNode } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import type { Api } from '../api/client';
import { createBoardSlice, type BoardSlice } from './slices/boardSlice';
import { createBoardUiSlice, type BoardUiSlice } from './slices/boardUiSlice';
import { createCommentsSlice, type CommentsSlice } from './slices/commentsSlice';
import { createConnectionSlice, type ConnectionSlice } from './slices/connectionSlice';
import { createCreditsSlice, type CreditsSlice } from './slices/creditsSlice';
import { createDraftsSlice, type DraftsSlice } from './slices/draftsSlice';
import { createInsightSlice, type InsightSlice } from './slices/insightSlice';
import { createJobsSlice, type JobsSlice } from './slices/jobsSlice';
import { createLimitsSlice, type LimitsSlice } from './slices/limitsSlice';
import { createMediaSlice, type MediaSlice } from './slices/mediaSlice';
import { createProjectsSlice, type ProjectsSlice } from './slices/projectsSlice';
import { createReviewSlice, type ReviewSlice } from './slices/reviewSlice';
import { createShotsSlice, type ShotsSlice } from './slices/shotsSlice';
import { createUiSlice, type UiSlice } from './slices/uiSlice';
import { createUsageSlice, type UsageSlice } from './slices/usageSlice';

export type AppState = ProjectsSlice & UiSlice & ShotsSlice & BoardSlice & JobsSlice & CreditsSlice & MediaSlice & BoardUiSlice & CommentsSlice & InsightSlice & ReviewSlice & DraftsSlice & ConnectionSlice & LimitsSlice & UsageSlice;
export type AppStore = StoreApi<AppState>;

/** One bound store per app (and per test): slices spread together, domain slices talk to `api`. */
export function createAppStore(initial: Partial<AppState>, api: Api): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createProjectsSlice(api)(...a),
    ...createUiSlice(...a),
    ...createShotsSlice(api)(...a),
    ...createBoardSlice(api)(...a),
    ...createJobsSlice(api)(...a),
    ...createCreditsSlice(api)(...a),
    ...createMediaSlice(api)(...a),
    ...createBoardUiSlice(...a),
    ...createCommentsSlice(api)(...a),
    ...createInsightSlice(api)(...a),
    ...createReviewSlice(api)(...a),
    ...createDraftsSlice(api)(...a),
    ...createConnectionSlice(api)(...a),
    ...createLimitsSlice(api)(...a),
    ...createUsageSlice(api)(...a),
    ...initial,
  }));
}

/** Feeds the domain caches from core's events. Returns the unsubscribe. */
export function connectEvents(store: AppStore, api: Api): () => void {
  const s = () => store.getState();
  let coreDown = '';
  const offs = [
    api.on('projects.changed', (e) => s().applyProjectChanged(e)),
    api.on('shots.changed', (e) => s().applyShotsChanged(e)),
    api.on('board.changed', (e) => s().applyBoardChanged(e)),
    api.on('takes.changed', (e) => s().applyTakeChanged(e)),
    api.on('jobs.changed', (e) => s().applyJobChanged(e)),
    api.on('jobs.progressed', (e) => s().applyJobProgressed(e)),
    api.on('queue.changed', (e) => s().applyQueueChanged(e)),
    api.on('export.progressed', (e) => s().applyExportProgressed(e)),
    api.on('credits.changed', (e) => s().applyCreditsChanged(e)),
    // Reviewers see no money, not even in a notice.
    // Whoever crossed it (named when a member did); the admin's open Limits view follows.
    api.on('credits.thresholdCrossed', (e) => {
      if (s().role === 'reviewer') return;
      const whose = e.userName ? `${e.userName}'s spend` : 'Spend';
      s().notify('info', `${whose} this month passed ${e.threshold.toLocaleString('en-US')} credits (${e.spent.toLocaleString('en-US')} spent).`);
      if (s().limits) void s().loadLimits().catch((err: unknown) => console.warn('circletake: reloading limits failed', err));
    }),
    api.on('insight.thresholdCrossed', (e) => {
      if (s().role !== 'reviewer') s().notify('info', `Project ${e.projectName} has spent ${e.spent.toLocaleString('en-US')} credits, past its ${e.threshold.toLocaleString('en-US')} threshold.`);
    }),
    api.on('benchmark.progressed', (e) => s().applyBenchmarkProgressed(e)),
    api.on('media.swept', (e) => s().applySwept(e.artifactIds)),
    api.on('review.changed', (e) => s().applyReviewChanged(e)),
    // The app's core process stopped or came back (Electron): an error while it is down, replaced once it is back.
    api.on('system.coreStatus', (e) => {
      if (e.state === 'restarted') for (const n of s().notices) if (n.text === coreDown) s().dismissNotice(n.id);
      coreDown = e.state === 'restarted' ? '' : e.message;
      s().notify(e.state === 'restarted' ? 'info' : 'error', e.message);
    }),
    api.on('plans.changed', () => void s().loadCredits().catch((err: unknown) => console.warn('circletake: reloading plans failed', err))),
  ];
  return () => offs.forEach((off) => off());
}

const StoreContext = createContext<AppStore | null>(null);

export function StoreProvider({ store, children }: { store: AppStore; children: ReactNode }) {
  return createElement(StoreContext.Provider, { value: store }, children);
}

export function useAppStore<T>(selector: (s: AppState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore outside StoreProvider');
  return useStore(store, selector);
}

/** The store itself, for event handlers that read fresh state without subscribing. */
export function useAppStoreApi(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStoreApi outside StoreProvider');
  return store;
}
