import type { BoardMarks, Comment, Override, ShortlistRule, StarMark, TagMark, TagName } from '../../../shared/contract/board';
import { Drawing } from '../../../shared/contract/drawing';
import { AppError } from '../../../shared/errors';
import type { Queryable } from '../db/engine/sqlEngine';

interface TagRow {
  take_id: string;
  author: string;
  tag: TagName;
  is_auto: number;
  reason: string | null;
  created_at: number;
}
interface StarRow {
  take_id: string;
  author: string;
  stars: number;
  created_at: number;
}
interface CommentRow {
  id: string;
  take_id: string;
  author: string;
  body: string;
  at_sec: number | null;
  end_sec: number | null;
  drawing_json: string | null;
  created_at: number;
}

export interface StoredOverride {
  takeId: string;
  override: Override;
  author: string;
  at: number;
}

const toMark = (r: TagRow): TagMark => ({ tag: r.tag, author: r.author, isAuto: r.is_auto === 1, reason: r.reason, at: r.created_at });
const toStar = (r: StarRow): StarMark => ({ author: r.author, stars: r.stars, at: r.created_at });
const toComment = (r: CommentRow): Comment => ({
  id: r.id,
  takeId: r.take_id,
  author: r.author,
  body: r.body,
  atSec: r.at_sec,
  endSec: r.end_sec,
  drawing: r.drawing_json === null ? null : drawingOf(r.id, r.drawing_json),
  createdAt: r.created_at,
});

/** The one decoder of a stored drawing: parsed with the contract's schema, refused with the comment's id. */
function drawingOf(id: string, json: string): Drawing {
  const parsed = Drawing.safeParse(JSON.parse(json));
  if (!parsed.success) throw new AppError('INTERNAL', `The drawing of comment ${id} cannot be read back (${parsed.error.issues[0]?.message ?? 'bad shape'}).`, { id });
  return parsed.data;
}

/**
 * A project's rows of one board table, or one shot's. Two statements rather than `(? IS NULL OR …)`:
 * PostgreSQL cannot type a parameter that is only ever compared with NULL.
 */
function byShot(table: string, cols: string, where = '', tail = ''): { project: string; shot: string } {
  const extra = where ? ` AND ${where}` : '';
  return {
    project: `SELECT ${cols} FROM ${table} WHERE project_id = ?${extra}${tail}`,
    shot: `SELECT ${cols} FROM ${table} WHERE project_id = ?${extra} AND take_id IN (SELECT id FROM takes WHERE shot_id = ?)${tail}`,
  };
}

const SQL = {
  tags: byShot('take_tags', '*', '', ' ORDER BY created_at, author'),
  stars: byShot('take_stars', '*', '', ' ORDER BY created_at, author'),
  overrides: byShot('shortlist_overrides', 'take_id, override'),
  commentCounts: byShot('take_comments', 'take_id, count(*) AS n', 'deleted_at IS NULL', ' GROUP BY take_id'),
  published: byShot('take_published', 'take_id, published_at'),
  tagsByTake: 'SELECT * FROM take_tags WHERE take_id = ? ORDER BY created_at, author',
  tagOf: 'SELECT * FROM take_tags WHERE take_id = ? AND author = ?',
  putTag: `INSERT INTO take_tags (take_id, project_id, author, tag, is_auto, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (take_id, author) DO UPDATE SET tag = excluded.tag, is_auto = excluded.is_auto, reason = excluded.reason, created_at = excluded.created_at`,
  dropTag: 'DELETE FROM take_tags WHERE take_id = ? AND author = ?',
  starsByTake: 'SELECT * FROM take_stars WHERE take_id = ? ORDER BY created_at, author',
  starOf: 'SELECT * FROM take_stars WHERE take_id = ? AND author = ?',
  putStar: `INSERT INTO take_stars (take_id, project_id, author, stars, created_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (take_id, author) DO UPDATE SET stars = excluded.stars, created_at = excluded.created_at`,
  dropStar: 'DELETE FROM take_stars WHERE take_id = ? AND author = ?',
  overrideOf: 'SELECT override, author, created_at FROM shortlist_overrides WHERE take_id = ?',
  putOverride: `INSERT INTO shortlist_overrides (take_id, project_id, override, author, created_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (take_id) DO UPDATE SET override = excluded.override, author = excluded.author, created_at = excluded.created_at`,
  dropOverride: 'DELETE FROM shortlist_overrides WHERE take_id = ?',
  ruleOf: 'SELECT mode, n, percent FROM shortlist_rules WHERE project_id = ?',
  putRule: `INSERT INTO shortlist_rules (project_id, mode, n, percent, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (project_id) DO UPDATE SET mode = excluded.mode, n = excluded.n, percent = excluded.percent, updated_at = excluded.updated_at`,
  dropRule: 'DELETE FROM shortlist_rules WHERE project_id = ?',
  commentCount: 'SELECT count(*) AS n FROM take_comments WHERE take_id = ? AND deleted_at IS NULL',
  // rowid: the order comments were written (migration 0830 gives PostgreSQL the same column).
  comments: 'SELECT * FROM take_comments WHERE take_id = ? AND deleted_at IS NULL ORDER BY created_at, rowid',
  comment: 'SELECT * FROM take_comments WHERE id = ? AND deleted_at IS NULL',
  addComment: `INSERT INTO take_comments (id, take_id, project_id, author, body, at_sec, end_sec, drawing_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  deleteComment: 'UPDATE take_comments SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL',
  publishedOf: 'SELECT published_at FROM take_published WHERE take_id = ?',
  putPublished: 'INSERT INTO take_published (take_id, project_id, published_at, export_ref) VALUES (?, ?, ?, ?) ON CONFLICT (take_id) DO NOTHING',
} as const;

/** The board's own tables: tags, stars, comments, shortlist rules and overrides, published marks. */
export const boardRepo = {
  /** Every take's board marks in a project (or one of its shots), in one pass per table. Takes with none are absent. */
  async marksForProject(q: Queryable, projectId: string, shotId?: string): Promise<Map<string, BoardMarks>> {
    const pick = (s: { project: string; shot: string }) => (shotId === undefined ? s.project : s.shot);
    const params = shotId === undefined ? [projectId] : [projectId, shotId];
    const out = new Map<string, BoardMarks>();
    const of = (takeId: string): BoardMarks => {
      let m = out.get(takeId);
      if (!m) out.set(takeId, (m = { takeId, tags: [], stars: [], override: null, comments: 0, publishedAt: null }));
      return m;
    };
    for (const r of await q.all<TagRow>(pick(SQL.tags), params)) of(r.take_id).tags.push(toMark(r));
    for (const r of await q.all<StarRow>(pick(SQL.stars), params)) of(r.take_id).stars.push(toStar(r));
    for (const r of await q.all<{ take_id: string; override: Override }>(pick(SQL.overrides), params)) of(r.take_id).override = r.override;
    for (const r of await q.all<{ take_id: string; n: number }>(pick(SQL.commentCounts), params)) of(r.take_id).comments = Number(r.n);
    for (const r of await q.all<{ take_id: string; published_at: number }>(pick(SQL.published), params)) of(r.take_id).publishedAt = r.published_at;
    return out;
  },

  async marksOf(q: Queryable, takeId: string): Promise<BoardMarks> {
    return {
      takeId,
      tags: (await q.all<TagRow>(SQL.tagsByTake, [takeId])).map(toMark),
      stars: (await q.all<StarRow>(SQL.starsByTake, [takeId])).map(toStar),
      override: (await q.get<{ override: Override }>(SQL.overrideOf, [takeId]))?.override ?? null,
      comments: Number((await q.get<{ n: number }>(SQL.commentCount, [takeId]))?.n ?? 0),
      publishedAt: (await q.get<{ published_at: number }>(SQL.publishedOf, [takeId]))?.published_at ?? null,
    };
  },

  async tagOf(q: Queryable, takeId: string, author: string): Promise<TagMark | null> {
    const r = await q.get<TagRow>(SQL.tagOf, [takeId, author]);
    return r ? toMark(r) : null;
  },

  async putTag(q: Queryable, takeId: string, projectId: string, m: TagMark): Promise<void> {
    await q.run(SQL.putTag, [takeId, projectId, m.author, m.tag, m.isAuto ? 1 : 0, m.reason, m.at]);
  },

  async dropTag(q: Queryable, takeId: string, author: string): Promise<number> {
    return (await q.run(SQL.dropTag, [takeId, author])).changes;
  },

  async starOf(q: Queryable, takeId: string, author: string): Promise<StarMark | null> {
    const r = await q.get<StarRow>(SQL.starOf, [takeId, author]);
    return r ? toStar(r) : null;
  },

  async putStar(q: Queryable, takeId: string, projectId: string, m: StarMark): Promise<void> {
    await q.run(SQL.putStar, [takeId, projectId, m.author, m.stars, m.at]);
  },

  async dropStar(q: Queryable, takeId: string, author: string): Promise<number> {
    return (await q.run(SQL.dropStar, [takeId, author])).changes;
  },

  async overrideOf(q: Queryable, takeId: string): Promise<StoredOverride | null> {
    const r = await q.get<{ override: Override; author: string; created_at: number }>(SQL.overrideOf, [takeId]);
    return r ? { takeId, override: r.override, author: r.author, at: r.created_at } : null;
  },

  async putOverride(q: Queryable, takeId: string, projectId: string, o: StoredOverride): Promise<void> {
    await q.run(SQL.putOverride, [takeId, projectId, o.override, o.author, o.at]);
  },

  async dropOverride(q: Queryable, takeId: string): Promise<void> {
    await q.run(SQL.dropOverride, [takeId]);
  },

  async ruleOf(q: Queryable, projectId: string): Promise<ShortlistRule | null> {
    const r = await q.get<ShortlistRule>(SQL.ruleOf, [projectId]);
    return r ? { mode: r.mode, n: r.n, percent: r.percent } : null;
  },

  async putRule(q: Queryable, projectId: string, rule: ShortlistRule, at: number): Promise<void> {
    await q.run(SQL.putRule, [projectId, rule.mode, rule.n, rule.percent, at]);
  },

  async dropRule(q: Queryable, projectId: string): Promise<void> {
    await q.run(SQL.dropRule, [projectId]);
  },

  async comments(q: Queryable, takeId: string): Promise<Comment[]> {
    return (await q.all<CommentRow>(SQL.comments, [takeId])).map(toComment);
  },

  async comment(q: Queryable, id: string): Promise<(Comment & { projectId: string }) | null> {
    const r = await q.get<CommentRow & { project_id: string }>(SQL.comment, [id]);
    return r ? { ...toComment(r), projectId: r.project_id } : null;
  },

  async addComment(q: Queryable, c: Comment & { projectId: string }): Promise<void> {
    await q.run(SQL.addComment, [c.id, c.takeId, c.projectId, c.author, c.body, c.atSec, c.endSec, c.drawing === null ? null : JSON.stringify(c.drawing), c.createdAt]);
  },

  async deleteComment(q: Queryable, id: string, at: number): Promise<number> {
    return (await q.run(SQL.deleteComment, [at, id])).changes;
  },

  async putPublished(q: Queryable, takeId: string, projectId: string, at: number, exportRef: string | null): Promise<number> {
    return (await q.run(SQL.putPublished, [takeId, projectId, at, exportRef])).changes;
  },
};
