import type { AppState } from './index';
import { useAppStore } from './index';

export const useProjects = () => useAppStore((s: AppState) => s.projects);
export const useProjectsLoaded = () => useAppStore((s: AppState) => s.projectsLoaded);
export const useSelectedProject = () =>
  useAppStore((s: AppState) => s.projects.find((p) => p.id === s.selectedProjectId) ?? null);
export const useNotices = () => useAppStore((s: AppState) => s.notices);
export const useTheme = () => useAppStore((s: AppState) => s.theme);

/** Jobs waiting for a person: dead letters and UNKNOWN jobs (the Queue tab's badge). */
export const selectNeedsDecision = (s: AppState): number => {
  let n = s.deadLetters.length;
  for (const j of Object.values(s.jobs)) if (j.status === 'unknown') n++;
  return n;
};
