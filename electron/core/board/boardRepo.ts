import type Database from 'better-sqlite3';
import type { BoardMarks, Comment, Override, ShortlistRule, StarMark, TagMark, TagName } from '../../../shared/contract/board';
import { Drawing } from '../../../shared/contract/drawing';
import { AppError } from '../../../shared/errors';

interface TagRow {
  take_id: string;
  author: string;
  tag: TagName;
  is_auto: number;
  reason: string | null;
  created_at: number;
}
interface OverrideRow {
  take_id: string;
  override: Override;
  author: string;
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
/** A project, or one shot of it (null: the whole project). */
type ByShot = { projectId: string; shotId: string | null };

export interface StoredTag {
  takeId: string;
  mark: TagMark;
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

/** The board's own tables: tags, comments, shortlist rules and overrides, published marks. Prepared once. */
export class BoardRepo {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      tagsByProject: db.prepare<ByShot, TagRow>(`SELECT * FROM take_tags WHERE project_id = @projectId AND (@shotId IS NULL OR take_id IN (SELECT id FROM takes WHERE shot_id = @shotId)) ORDER BY created_at, author`),
      tagsByTake: db.prepare<{ takeId: string }, TagRow>(`SELECT * FROM take_tags WHERE take_id = @takeId ORDER BY created_at, author`),
      tagOf: db.prepare<{ takeId: string; author: string }, TagRow>(`SELECT * FROM take_tags WHERE take_id = @takeId AND author = @author`),
      putTag: db.prepare(`
        INSERT INTO take_tags (take_id, project_id, author, tag, is_auto, reason, created_at)
        VALUES (@takeId, @projectId, @author, @tag, @isAuto, @reason, @at)
        ON CONFLICT (take_id, author) DO UPDATE SET tag = excluded.tag, is_auto = excluded.is_auto, reason = excluded.reason, created_at = excluded.created_at`),
      dropTag: db.prepare<{ takeId: string; author: string }>(`DELETE FROM take_tags WHERE take_id = @takeId AND author = @author`),
      starsByProject: db.prepare<ByShot, StarRow>(`SELECT * FROM take_stars WHERE project_id = @projectId AND (@shotId IS NULL OR take_id IN (SELECT id FROM takes WHERE shot_id = @shotId)) ORDER BY created_at, author`),
      starsByTake: db.prepare<{ takeId: string }, StarRow>(`SELECT * FROM take_stars WHERE take_id = @takeId ORDER BY created_at, author`),
      starOf: db.prepare<{ takeId: string; author: string }, StarRow>(`SELECT * FROM take_stars WHERE take_id = @takeId AND author = @author`),
      putStar: db.prepare(`
        INSERT INTO take_stars (take_id, project_id, author, stars, created_at) VALUES (@takeId, @projectId, @author, @stars, @at)
        ON CONFLICT (take_id, author) DO UPDATE SET stars = excluded.stars, created_at = excluded.created_at`),
      dropStar: db.prepare<{ takeId: string; author: string }>(`DELETE FROM take_stars WHERE take_id = @takeId AND author = @author`),
      overridesByProject: db.prepare<ByShot, OverrideRow>(`SELECT * FROM shortlist_overrides WHERE project_id = @projectId AND (@shotId IS NULL OR take_id IN (SELECT id FROM takes WHERE shot_id = @shotId))`),
      overrideOf: db.prepare<{ takeId: string }, OverrideRow>(`SELECT * FROM shortlist_overrides WHERE take_id = @takeId`),
      putOverride: db.prepare(`
        INSERT INTO shortlist_overrides (take_id, project_id, override, author, created_at) VALUES (@takeId, @projectId, @override, @author, @at)
        ON CONFLICT (take_id) DO UPDATE SET override = excluded.override, author = excluded.author, created_at = excluded.created_at`),
      dropOverride: db.prepare<{ takeId: string }>(`DELETE FROM shortlist_overrides WHERE take_id = @takeId`),
      ruleOf: db.prepare<{ projectId: string }, ShortlistRule>(`SELECT mode, n, percent FROM shortlist_rules WHERE project_id = @projectId`),
      putRule: db.prepare(`
        INSERT INTO shortlist_rules (project_id, mode, n, percent, updated_at) VALUES (@projectId, @mode, @n, @percent, @at)
        ON CONFLICT (project_id) DO UPDATE SET mode = excluded.mode, n = excluded.n, percent = excluded.percent, updated_at = excluded.updated_at`),
      dropRule: db.prepare<{ projectId: string }>(`DELETE FROM shortlist_rules WHERE project_id = @projectId`),
      commentCounts: db.prepare<ByShot, { take_id: string; n: number }>(
        `SELECT take_id, count(*) AS n FROM take_comments WHERE project_id = @projectId AND deleted_at IS NULL AND (@shotId IS NULL OR take_id IN (SELECT id FROM takes WHERE shot_id = @shotId)) GROUP BY take_id`,
      ),
      commentCount: db.prepare<{ takeId: string }, { n: number }>(`SELECT count(*) AS n FROM take_comments WHERE take_id = @takeId AND deleted_at IS NULL`),
      comments: db.prepare<{ takeId: string }, CommentRow>(`SELECT * FROM take_comments WHERE take_id = @takeId AND deleted_at IS NULL ORDER BY created_at, rowid`),
      comment: db.prepare<{ id: string }, CommentRow & { project_id: string }>(`SELECT * FROM take_comments WHERE id = @id AND deleted_at IS NULL`),
      addComment: db.prepare(`
        INSERT INTO take_comments (id, take_id, project_id, author, body, at_sec, end_sec, drawing_json, created_at)
        VALUES (@id, @takeId, @projectId, @author, @body, @atSec, @endSec, @drawing, @at)`),
      deleteComment: db.prepare<{ id: string; at: number }>(`UPDATE take_comments SET deleted_at = @at WHERE id = @id AND deleted_at IS NULL`),
      publishedByProject: db.prepare<ByShot, { take_id: string; published_at: number }>(
        `SELECT take_id, published_at FROM take_published WHERE project_id = @projectId AND (@shotId IS NULL OR take_id IN (SELECT id FROM takes WHERE shot_id = @shotId))`,
      ),
      publishedOf: db.prepare<{ takeId: string }, { published_at: number }>(`SELECT published_at FROM take_published WHERE take_id = @takeId`),
      putPublished: db.prepare(
        `INSERT INTO take_published (take_id, project_id, published_at, export_ref) VALUES (@takeId, @projectId, @at, @exportRef) ON CONFLICT (take_id) DO NOTHING`,
      ),
    };
  }

  /** Every take's board marks in a project (or one of its shots), in one pass per table. Takes with none are absent. */
  marksForProject(projectId: string, shotId?: string): Map<string, BoardMarks> {
    const q = { projectId, shotId: shotId ?? null };
    const out = new Map<string, BoardMarks>();
    const of = (takeId: string): BoardMarks => {
      let m = out.get(takeId);
      if (!m) out.set(takeId, (m = { takeId, tags: [], stars: [], override: null, comments: 0, publishedAt: null }));
      return m;
    };
    for (const r of this.s.tagsByProject.all(q)) of(r.take_id).tags.push(toMark(r));
    for (const r of this.s.starsByProject.all(q)) of(r.take_id).stars.push(toStar(r));
    for (const r of this.s.overridesByProject.all(q)) of(r.take_id).override = r.override;
    for (const r of this.s.commentCounts.all(q)) of(r.take_id).comments = r.n;
    for (const r of this.s.publishedByProject.all(q)) of(r.take_id).publishedAt = r.published_at;
    return out;
  }

  marksOf(takeId: string): BoardMarks {
    return {
      takeId,
      tags: this.s.tagsByTake.all({ takeId }).map(toMark),
      stars: this.s.starsByTake.all({ takeId }).map(toStar),
      override: this.s.overrideOf.get({ takeId })?.override ?? null,
      comments: this.s.commentCount.get({ takeId })?.n ?? 0,
      publishedAt: this.s.publishedOf.get({ takeId })?.published_at ?? null,
    };
  }

  tagOf(takeId: string, author: string): TagMark | null {
    const r = this.s.tagOf.get({ takeId, author });
    return r ? toMark(r) : null;
  }

  putTag(takeId: string, projectId: string, mark: TagMark): void {
    this.s.putTag.run({ takeId, projectId, author: mark.author, tag: mark.tag, isAuto: mark.isAuto ? 1 : 0, reason: mark.reason, at: mark.at });
  }

  dropTag(takeId: string, author: string): number {
    return this.s.dropTag.run({ takeId, author }).changes;
  }

  starOf(takeId: string, author: string): StarMark | null {
    const r = this.s.starOf.get({ takeId, author });
    return r ? toStar(r) : null;
  }

  putStar(takeId: string, projectId: string, mark: StarMark): void {
    this.s.putStar.run({ takeId, projectId, author: mark.author, stars: mark.stars, at: mark.at });
  }

  dropStar(takeId: string, author: string): number {
    return this.s.dropStar.run({ takeId, author }).changes;
  }

  overrideOf(takeId: string): StoredOverride | null {
    const r = this.s.overrideOf.get({ takeId });
    return r ? { takeId, override: r.override, author: r.author, at: r.created_at } : null;
  }

  putOverride(takeId: string, projectId: string, o: StoredOverride): void {
    this.s.putOverride.run({ takeId, projectId, override: o.override, author: o.author, at: o.at });
  }

  dropOverride(takeId: string): void {
    this.s.dropOverride.run({ takeId });
  }

  ruleOf(projectId: string): ShortlistRule | null {
    const r = this.s.ruleOf.get({ projectId });
    return r ? { mode: r.mode, n: r.n, percent: r.percent } : null;
  }

  putRule(projectId: string, rule: ShortlistRule, at: number): void {
    this.s.putRule.run({ projectId, ...rule, at });
  }

  dropRule(projectId: string): void {
    this.s.dropRule.run({ projectId });
  }

  comments(takeId: string): Comment[] {
    return this.s.comments.all({ takeId }).map(toComment);
  }

  comment(id: string): (Comment & { projectId: string }) | null {
    const r = this.s.comment.get({ id });
    return r ? { ...toComment(r), projectId: r.project_id } : null;
  }

  addComment(c: Comment & { projectId: string }): void {
    this.s.addComment.run({
      id: c.id,
      takeId: c.takeId,
      projectId: c.projectId,
      author: c.author,
      body: c.body,
      atSec: c.atSec,
      endSec: c.endSec,
      drawing: c.drawing === null ? null : JSON.stringify(c.drawing),
      at: c.createdAt,
    });
  }

  deleteComment(id: string, at: number): number {
    return this.s.deleteComment.run({ id, at }).changes;
  }

  putPublished(takeId: string, projectId: string, at: number, exportRef: string | null): number {
    return this.s.putPublished.run({ takeId, projectId, at, exportRef }).changes;
  }
}
