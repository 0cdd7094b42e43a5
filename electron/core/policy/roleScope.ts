import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import { claimExportName } from '../media/export/exportNames';
import { folderShelf, isExportName, type ExportShelf } from '../media/export/exportShelf';
import type { Queryable } from '../db/engine/sqlEngine';
import type { CallContext, Handler, Handlers } from '../dispatch';
import { policyRepo } from './policyRepo';

/**
 * What a review-server token may do beyond its role in the contract: a token session acts under the
 * name it was issued with (`ctx.author`), whatever `author` the request claims. So a reviewer can
 * undo only their own tags, and remove only their own comments; nobody can tag as someone else.
 * The owner's local session (no `ctx.author`) keeps the name it gives.
 *
 * A producer's export lands in `<dataDir>/exports/<name>`: a review session names a folder, never a
 * path on the owner's machine. On a studio whose clips are in a bucket, that folder is only where the
 * export is made: it is then kept in the bucket (media/export/exportShelf.ts), and a name already
 * there is refused before anything is made.
 *
 * Applied once, around the whole handler table, in createCore.
 */
type Authored = 'tags.add' | 'tags.remove' | 'stars.set' | 'comments.add' | 'board.undo' | 'shortlist.auto' | 'shortlist.set';
const AUTHORED: readonly Authored[] = ['tags.add', 'tags.remove', 'stars.set', 'comments.add', 'board.undo', 'shortlist.auto', 'shortlist.set'];

export function scopeByRole(handlers: Handlers, db: Queryable, dataDir: string, shelf: ExportShelf = folderShelf(join(dataDir, 'exports'))): Handlers {
  const scoped: Handlers = { ...handlers };
  for (const name of AUTHORED) {
    const inner = handlers[name] as Handler<typeof name>;
    (scoped as Record<Authored, Handler<Authored>>)[name] = ((input: { author?: string }, ctx: CallContext) =>
      inner((ctx.author === undefined ? input : { ...input, author: ctx.author }) as never, ctx)) as Handler<Authored>;
  }
  const deleteComment = handlers['comments.delete'];
  scoped['comments.delete'] = async (input, ctx) => {
    if (ctx.author !== undefined) {
      const author = await policyRepo.commentAuthor(db, input.id);
      if (author !== null && author !== ctx.author) {
        throw new AppError('FORBIDDEN', `That comment is ${author}'s; a review session removes only its own comments (${ctx.author}).`, {
          field: 'id',
          author,
        });
      }
    }
    return deleteComment(input, ctx);
  };
  const exportCheck = handlers['export.check'];
  const checkNamed = async (input: Parameters<typeof exportCheck>[0], ctx: CallContext) => {
    const name = input.toDir.trim();
    const r = await exportCheck({ ...input, toDir: exportFolder(dataDir, name) }, ctx);
    if (shelf.kind === 'folder') return r;
    const clashes = await shelf.clashes(name, r.files);
    return { ...r, isNew: clashes.length === 0, clashes };
  };
  scoped['export.check'] = (input, ctx) => (ctx.role === 'owner' ? exportCheck(input, ctx) : checkNamed(input, ctx));
  const exportRun = handlers['export.run'];
  scoped['export.run'] = async (input, ctx) => {
    if (ctx.role === 'owner') return exportRun(input, ctx);
    const name = input.toDir.trim();
    const dir = exportFolder(dataDir, name);
    // One maker per name at a time, on every studio process (two at once wrote each other's files).
    const claim = await claimExportName(db, { name, member: ctx.author ?? ctx.memberId ?? null, projectId: input.projectId });
    try {
      if (shelf.kind === 'bucket') {
        const { clashes } = await checkNamed({ projectId: input.projectId, toDir: name, withSequence: input.withSequence }, ctx);
        if (clashes.length > 0) {
          throw new AppError('CONFLICT', `The export "${name}" already holds ${clashes.join(', ')} on the studio. Pick another name; nothing was written.`, { field: 'toDir', files: clashes });
        }
        // What a process that died mid-export left here is only a staging folder: the bucket is the record.
        await rm(dir, { recursive: true, force: true });
      }
      const r = await exportRun({ ...input, toDir: dir }, ctx);
      await shelf.keep(name, dir, ctx.signal);
      return r;
    } finally {
      await claim.release().catch(() => undefined);
    }
  };
  return scoped;
}


/** `<dataDir>/exports/<name>` for a review session's export; a path or anything odd is refused. */
export function exportFolder(dataDir: string, name: string): string {
  if (!isExportName(name)) {
    throw new AppError('VALIDATION', 'toDir: a review session exports into the app\'s exports folder; give a folder name (letters, digits, space, . _ -), not a path.', {
      field: 'toDir',
    });
  }
  return join(dataDir, 'exports', name);
}
