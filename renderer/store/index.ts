import { createContext, createElement, useContext, type ReactNode } from 'react';
import { createStore, useStore, type StoreApi } from 'zustand';
import type { Api } from '../api/client';
import { createProjectsSlice, type ProjectsSlice } from './slices/projectsSlice';
import { createUiSlice, type UiSlice } from './slices/uiSlice';

export type AppState = ProjectsSlice & UiSlice;
export type AppStore = StoreApi<AppState>;

/** One bound store per app (and per test): slices spread together, domain slices talk to `api`. */
export function createAppStore(initial: Partial<AppState>, api: Api): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createProjectsSlice(api)(...a),
    ...createUiSlice(...a),
    ...initial,
  }));
}

/** Feeds the domain caches from core's events. Returns the unsubscribe. */
export function connectEvents(store: AppStore, api: Api): () => void {
  const offs = [api.on('projects.changed', (e) => store.getState().applyProjectChanged(e))];
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
