import type { StateCreator } from 'zustand';
import type { Project } from '../../../shared/contract/projects';
import type { EventPayload } from '../../../shared/contract';
import type { Api } from '../../api/client';
import type { AppState } from '../index';

/** A cache of main's projects, fed by calls and by `projects.changed` events. */
export interface ProjectsSlice {
  projects: Project[];
  projectsLoaded: boolean;
  loadProjects(): Promise<void>;
  createProject(name: string): Promise<Project>;
  renameProject(id: string, name: string): Promise<Project>;
  deleteProject(id: string): Promise<void>;
  applyProjectChanged(e: EventPayload<'projects.changed'>): void;
}

const upsert = (list: Project[], p: Project): Project[] => {
  const i = list.findIndex((x) => x.id === p.id);
  if (i === -1) return [...list, p];
  const next = list.slice();
  next[i] = p;
  return next;
};

export const createProjectsSlice =
  (api: Api): StateCreator<AppState, [], [], ProjectsSlice> =>
  (set, get) => ({
    projects: [],
    projectsLoaded: false,
    async loadProjects() {
      const projects = await api.call('projects.list', {});
      set({ projects, projectsLoaded: true });
    },
    async createProject(name) {
      const p = await api.call('projects.create', { name });
      set({ projects: upsert(get().projects, p) });
      return p;
    },
    async renameProject(id, name) {
      const p = await api.call('projects.rename', { id, name });
      set({ projects: upsert(get().projects, p) });
      return p;
    },
    async deleteProject(id) {
      await api.call('projects.delete', { id });
      set({ projects: get().projects.filter((p) => p.id !== id) });
      if (get().selectedProjectId === id) set({ selectedProjectId: null });
    },
    applyProjectChanged(e) {
      if (e.kind === 'deleted') set({ projects: get().projects.filter((p) => p.id !== e.project.id) });
      else set({ projects: upsert(get().projects, e.project) });
    },
  });
