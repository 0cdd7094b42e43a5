import type { Core } from '../createCore';
import type { CallContext, Handlers } from '../dispatch';

type BoardCalls =
  | 'board.view'
  | 'tags.add'
  | 'tags.remove'
  | 'stars.set'
  | 'comments.list'
  | 'comments.add'
  | 'comments.delete'
  | 'shortlist.rule'
  | 'shortlist.auto'
  | 'shortlist.set'
  | 'board.undo';

/** The author of an action: the name the session gave, else its role. */
export const authorOf = (author: string | undefined, ctx: CallContext): string => author?.trim() || ctx.role;

/** The board's contract entries: thin calls into BoardService. */
export function boardHandlers(core: Pick<Core, 'board'>): Pick<Handlers, BoardCalls> {
  const b = core.board;
  return {
    'board.view': ({ projectId, shotId }) => b.view(projectId, shotId),
    'tags.add': ({ takeIds, tag, author }, ctx) => b.tag(takeIds, tag, authorOf(author, ctx)),
    'tags.remove': ({ takeIds, tag, author }, ctx) => b.untag(takeIds, tag, authorOf(author, ctx)),
    'comments.list': ({ takeId }) => b.comments(takeId),
    'stars.set': ({ takeIds, stars, author }, ctx) => b.rate(takeIds, stars, authorOf(author, ctx)),
    'comments.add': ({ takeId, body, author, ...at }, ctx) => b.addComment(takeId, body, authorOf(author, ctx), at),
    'comments.delete': ({ id }) => b.deleteComment(id),
    'shortlist.rule': ({ projectId }) => b.rule(projectId),
    'shortlist.auto': ({ projectId, rule, author }, ctx) => b.setRule(projectId, rule, authorOf(author, ctx)),
    'shortlist.set': ({ takeIds, override, author }, ctx) => b.setOverride(takeIds, override, authorOf(author, ctx)),
    'board.undo': ({ projectId, author }, ctx) => b.undo(projectId, authorOf(author, ctx)),
  };
}
