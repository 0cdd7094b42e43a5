import type Database from 'better-sqlite3';
import { z } from 'zod';
import { Override, ShortlistRule, StarMark, TagMark } from '../../../shared/contract/board';
import { AppError } from '../../../shared/errors';

/**
 * What an action replaced, so undo can put it back. Parsed with zod on the way out: a row that
 * does not parse is refused with its id rather than half-restored.
 */
export const UndoBefore = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('tags'), items: z.array(z.object({ takeId: z.string(), mark: TagMark.nullable() })) }),
  z.object({
    kind: z.literal('override'),
    items: z.array(z.object({ takeId: z.string(), was: z.object({ override: Override, author: z.string(), at: z.number() }).nullable() })),
  }),
  z.object({ kind: z.literal('rule'), rule: ShortlistRule.nullable() }),
  z.object({ kind: z.literal('stars'), items: z.array(z.object({ takeId: z.string(), mark: StarMark.nullable() })) }),
]);
export type UndoBefore = z.infer<typeof UndoBefore>;

export interface UndoEntry {
  id: number;
  label: string;
  before: UndoBefore;
}

/** The board's undo log (board_actions): one stack per project and author. */
export class UndoLog {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      push: db.prepare(`INSERT INTO board_actions (project_id, author, kind, label, before_json, created_at) VALUES (@projectId, @author, @kind, @label, @json, @at)`),
      top: db.prepare<{ projectId: string; author: string }, { id: number; label: string; before_json: string }>(
        `SELECT id, label, before_json FROM board_actions WHERE project_id = @projectId AND author = @author AND undone_at IS NULL ORDER BY id DESC LIMIT 1`,
      ),
      count: db.prepare<{ projectId: string; author: string }, { n: number }>(
        `SELECT count(*) AS n FROM board_actions WHERE project_id = @projectId AND author = @author AND undone_at IS NULL`,
      ),
      markUndone: db.prepare<{ id: number; at: number }>(`UPDATE board_actions SET undone_at = @at WHERE id = @id AND undone_at IS NULL`),
    };
  }

  push(projectId: string, author: string, label: string, before: UndoBefore, at: number): void {
    this.s.push.run({ projectId, author, kind: before.kind, label, json: JSON.stringify(before), at });
  }

  top(projectId: string, author: string): UndoEntry | null {
    const r = this.s.top.get({ projectId, author });
    if (!r) return null;
    const parsed = UndoBefore.safeParse(JSON.parse(r.before_json));
    if (!parsed.success) {
      throw new AppError('INTERNAL', `Undo entry ${r.id} cannot be read back (${parsed.error.issues[0]?.message ?? 'bad shape'}); nothing was changed.`, { actionId: r.id });
    }
    return { id: r.id, label: r.label, before: parsed.data };
  }

  count(projectId: string, author: string): number {
    return this.s.count.get({ projectId, author })?.n ?? 0;
  }

  markUndone(id: number, at: number): void {
    this.s.markUndone.run({ id, at });
  }
}
