import type { StateCreator } from 'zustand';
import type { Comment } from '../../../shared/contract/board';
import type { Api } from '../../api/client';
import type { AppState } from '../index';
import { authorOf } from './boardSlice';

/** Comments of the takes opened in the player, by take id; counts on cards come from board marks. */
export interface CommentsSlice {
  comments: Record<string, Comment[]>;
  loadComments(takeId: string): Promise<void>;
  addComment(takeId: string, body: string): Promise<void>;
  deleteComment(takeId: string, id: string): Promise<void>;
}

export const createCommentsSlice =
  (api: Api): StateCreator<AppState, [], [], CommentsSlice> =>
  (set, get) => ({
    comments: {},
    async loadComments(takeId) {
      const list = await api.call('comments.list', { takeId });
      set({ comments: { ...get().comments, [takeId]: list } });
    },
    async addComment(takeId, body) {
      const c = await api.call('comments.add', { takeId, body, author: authorOf(get()) });
      set({ comments: { ...get().comments, [takeId]: [...(get().comments[takeId] ?? []), c] } });
    },
    async deleteComment(takeId, id) {
      await api.call('comments.delete', { id });
      set({ comments: { ...get().comments, [takeId]: (get().comments[takeId] ?? []).filter((c) => c.id !== id) } });
    },
  });
