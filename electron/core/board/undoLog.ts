import { z } from 'zod';
import { Override, ShortlistRule, StarMark, TagMark } from '../../../shared/contract/board';
import { AppError, assertNever } from '../../../shared/errors';
import { boardRepo as repo } from './boardRepo';
import type { Queryable } from '../db/engine/sqlEngine';

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
export const undoLog = {
  async push(q: Queryable, projectId: string, author: string, label: string, before: UndoBefore, at: number): Promise<void> {
    await q.run('INSERT INTO board_actions (project_id, author, kind, label, before_json, created_at) VALUES (?, ?, ?, ?, ?, ?)', [projectId, author, before.kind, label, JSON.stringify(before), at]);
  },

  async top(q: Queryable, projectId: string, author: string): Promise<UndoEntry | null> {
    const r = await q.get<{ id: number; label: string; before_json: string }>(
      'SELECT id, label, before_json FROM board_actions WHERE project_id = ? AND author = ? AND undone_at IS NULL ORDER BY id DESC LIMIT 1',
      [projectId, author],
    );
    if (!r) return null;
    const parsed = UndoBefore.safeParse(JSON.parse(r.before_json));
    if (!parsed.success) {
      throw new AppError('INTERNAL', `Undo entry ${r.id} cannot be read back (${parsed.error.issues[0]?.message ?? 'bad shape'}); nothing was changed.`, { actionId: r.id });
    }
    return { id: Number(r.id), label: r.label, before: parsed.data };
  },

  async count(q: Queryable, projectId: string, author: string): Promise<number> {
    const r = await q.get<{ n: number }>('SELECT count(*) AS n FROM board_actions WHERE project_id = ? AND author = ? AND undone_at IS NULL', [projectId, author]);
    return Number(r?.n ?? 0);
  },

  async markUndone(q: Queryable, id: number, at: number): Promise<void> {
    await q.run('UPDATE board_actions SET undone_at = ? WHERE id = ? AND undone_at IS NULL', [at, id]);
  },

  /** Puts back what an action replaced; answers the takes it touched. */
  async restore(q: Queryable, projectId: string, author: string, before: UndoBefore, at: number): Promise<string[]> {
    switch (before.kind) {
      case 'tags':
        for (const i of before.items) {
          if (i.mark) await repo.putTag(q, i.takeId, projectId, i.mark);
          else await repo.dropTag(q, i.takeId, author);
        }
        return before.items.map((i) => i.takeId);
      case 'override':
        for (const i of before.items) {
          if (i.was) await repo.putOverride(q, i.takeId, projectId, { takeId: i.takeId, ...i.was });
          else await repo.dropOverride(q, i.takeId);
        }
        return before.items.map((i) => i.takeId);
      case 'stars':
        for (const i of before.items) {
          if (i.mark) await repo.putStar(q, i.takeId, projectId, i.mark);
          else await repo.dropStar(q, i.takeId, author);
        }
        return before.items.map((i) => i.takeId);
      case 'rule':
        if (before.rule) await repo.putRule(q, projectId, before.rule, at);
        else await repo.dropRule(q, projectId);
        return [];
      default:
        return assertNever(before, 'undo entry');
    }
  },
};
