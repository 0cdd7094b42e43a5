import type { StateCreator } from 'zustand';
import type { Comment, NewComment } from '../../../shared/contract/board';
import type { Api } from '../../api/client';
import type { AppState } from '../index';
import { authorOf } from './boardSlice';

/** Comments of the takes opened in the player, by take id; counts on cards come from board marks. */
export interface CommentsSlice {
  comments: Record<string, Comment[]>;
  loadComments(takeId: string): Promise<void>;
  /** Adds a comment, optionally at a timecode (with a range end) and with a drawing on that frame. */
  addComment(takeId: string, body: string, at?: Pick<NewComment, 'atSec' | 'endSec' | 'drawing'>): Promise<Comment>;
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
    async addComment(takeId, body, at = {}) {
      const c = await api.call('comments.add', { takeId, body, author: authorOf(get()), ...at });
      set({ comments: { ...get().comments, [takeId]: [...(get().comments[takeId] ?? []), c] } });
      return c;
    },
    async deleteComment(takeId, id) {
      await api.call('comments.delete', { id });
      set({ comments: { ...get().comments, [takeId]: (get().comments[takeId] ?? []).filter((c) => c.id !== id) } });
    },
  });
