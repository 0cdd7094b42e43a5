import { AppError } from '../../../shared/errors';
import type { Db } from '../db/db';
import type { CallContext, Handler, Handlers } from '../dispatch';

/**
 * What a review-server token may do beyond its role in the contract: a token session acts under the
 * name it was issued with (`ctx.author`), whatever `author` the request claims. So a reviewer can
 * undo only their own tags, and remove only their own comments; nobody can tag as someone else.
 * The owner's local session (no `ctx.author`) keeps the name it gives.
 *
 * Applied once, around the whole handler table, in createCore.
 */
type Authored = 'tags.add' | 'tags.remove' | 'comments.add' | 'board.undo' | 'shortlist.auto' | 'shortlist.set';
const AUTHORED: readonly Authored[] = ['tags.add', 'tags.remove', 'comments.add', 'board.undo', 'shortlist.auto', 'shortlist.set'];

export function scopeByRole(handlers: Handlers, db: Db): Handlers {
  const scoped: Handlers = { ...handlers };
  for (const name of AUTHORED) {
    const inner = handlers[name] as Handler<typeof name>;
    (scoped as Record<Authored, Handler<Authored>>)[name] = ((input: { author?: string }, ctx: CallContext) =>
      inner((ctx.author === undefined ? input : { ...input, author: ctx.author }) as never, ctx)) as Handler<Authored>;
  }
  const authorOf = db.conn.prepare<{ id: string }, { author: string }>(`SELECT author FROM take_comments WHERE id = @id AND deleted_at IS NULL`);
  const deleteComment = handlers['comments.delete'];
  scoped['comments.delete'] = (input, ctx) => {
    if (ctx.author !== undefined) {
      const row = authorOf.get({ id: input.id });
      if (row && row.author !== ctx.author) {
        throw new AppError('FORBIDDEN', `That comment is ${row.author}'s; a review session removes only its own comments (${ctx.author}).`, {
          field: 'id',
          author: row.author,
        });
      }
    }
    return deleteComment(input, ctx);
  };
  return scoped;
}
