import type { StateCreator } from 'zustand';
import type { EventPayload } from '../../../shared/contract';
import type { Shot } from '../../../shared/contract/shots';
import type { Api } from '../../api/client';
import type { AppState } from '../index';

/** A cache of each project's shots in sequence order, fed by calls and `shots.changed`. */
export interface ShotsSlice {
  shotsByProject: Record<string, Shot[]>;
  loadShots(projectId: string): Promise<void>;
  createShot(projectId: string, name: string): Promise<Shot>;
  renameShot(id: string, name: string): Promise<void>;
  moveShot(id: string, position: number): Promise<void>;
  deleteShot(id: string): Promise<void>;
  applyShotsChanged(e: EventPayload<'shots.changed'>): void;
}

export const createShotsSlice =
  (api: Api): StateCreator<AppState, [], [], ShotsSlice> =>
  (set, get) => {
    const put = (projectId: string, shots: Shot[]) => set({ shotsByProject: { ...get().shotsByProject, [projectId]: [...shots].sort((a, b) => a.position - b.position) } });
    const projectOf = (id: string) => Object.values(get().shotsByProject).flat().find((s) => s.id === id)?.projectId;
    return {
      shotsByProject: {},
      async loadShots(projectId) {
        put(projectId, await api.call('shots.list', { projectId }));
      },
      async createShot(projectId, name) {
        const shot = await api.call('shots.create', { projectId, name });
        put(projectId, [...(get().shotsByProject[projectId] ?? []).filter((s) => s.id !== shot.id), shot]);
        return shot;
      },
      async renameShot(id, name) {
        const shot = await api.call('shots.rename', { id, name });
        put(shot.projectId, (get().shotsByProject[shot.projectId] ?? []).map((s) => (s.id === id ? shot : s)));
      },
      async moveShot(id, position) {
        const shots = await api.call('shots.move', { id, position });
        const projectId = shots[0]?.projectId ?? projectOf(id);
        if (projectId) put(projectId, shots);
      },
      async deleteShot(id) {
        const projectId = projectOf(id);
        await api.call('shots.delete', { id });
        if (projectId) await get().loadShots(projectId);
      },
      applyShotsChanged(e) {
        put(e.projectId, e.shots);
      },
    };
  };
