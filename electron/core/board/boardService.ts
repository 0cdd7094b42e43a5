import {
  DEFAULT_SHORTLIST_RULE,
  type BoardChange,
  type BoardMarks,
  type BoardView,
  type Comment,
  type NewComment,
  type Override,
  type ShortlistRule,
  type TagName,
  type TakeCard,
  type UndoResult,
} from '../../../shared/contract/board';
import { deriveShot, draftsOf, emptyMarks, isActiveJob, releasesOf } from '../../../shared/board/derive';
import { toFacts } from '../../../shared/board/facts';
import type { Take } from '../../../shared/contract/takes';
import { AppError, assertNever } from '../../../shared/errors';
import type { CoreEvents } from '../coreEvents';
import type { Db } from '../db/db';
import type { Clock, Ids, Logger } from '../ports';
import { BoardRepo } from './boardRepo';
import type { BoardSources } from './boardSources';
import { UndoLog, type UndoBefore } from './undoLog';

/** The author the auto-check tags as; people may not use it. */
export const AUTO_AUTHOR = 'auto-check';

/**
 * The review board: tags with authors, comments, the shortlist rule and overrides, published marks,
 * undo of tag and shortlist actions, and the derived view (stages, scores, shortlist) per shot.
 */
export class BoardService {
  private readonly repo: BoardRepo;
  private readonly undoLog: UndoLog;

  constructor(
    private readonly db: Db,
    private readonly sources: BoardSources,
    private readonly events: CoreEvents,
    private readonly clock: Clock,
    private readonly ids: Ids,
    private readonly logger: Logger,
  ) {
    this.repo = new BoardRepo(db.conn);
    this.undoLog = new UndoLog(db.conn);
  }

  view(projectId: string, shotId?: string): BoardView {
    const shots = this.sources.shots(projectId).filter((s) => shotId === undefined || s.id === shotId);
    if (shotId !== undefined && shots.length === 0) throw new AppError('NOT_FOUND', `No shot with id ${shotId} in this project.`, { field: 'shotId', id: shotId });
    const rule = this.rule(projectId);
    // One shot asked for: only its takes and marks are read (the renderer loads a big board shot by shot).
    const facts = this.sources.takes(projectId, shotId).map(toFacts);
    const marks = this.repo.marksForProject(projectId, shotId);
    const jobs = this.sources.jobs(projectId);
    const releases = releasesOf(jobs, facts);
    const drafts = draftsOf(jobs);
    const marksOf = (id: string) => marks.get(id) ?? emptyMarks(id);
    const releaseOf = (id: string) => releases.get(id) ?? null;
    return {
      projectId,
      rule,
      shots: shots.map((shot) => ({
        shot,
        takes: deriveShot(
          facts.filter((t) => t.shotId === shot.id),
          marksOf,
          releaseOf,
          rule,
        ),
        drafts: drafts.filter((d) => d.shotId === shot.id),
      })),
      activeJobs: jobs.filter(isActiveJob),
    };
  }

  /** The takes now in the Shortlist column of every shot (what finalize acts on). */
  shortlisted(projectId: string): TakeCard[] {
    return this.view(projectId).shots.flatMap((s) => s.takes.filter((t) => t.stage === 'shortlist'));
  }

  rule(projectId: string): ShortlistRule {
    return this.repo.ruleOf(projectId) ?? DEFAULT_SHORTLIST_RULE;
  }

  /** Sets the author's verdict on each take, replacing their previous one. Undoable. */
  tag(takeIds: readonly string[], tag: TagName, author: string): BoardChange {
    const who = this.person(author);
    const { projectId, takes } = this.takesOfOneProject(takeIds);
    const at = this.clock.now();
    this.db.immediate(() => {
      const items = takes.map((t) => ({ takeId: t.id, mark: this.repo.tagOf(t.id, who) }));
      for (const t of takes) this.repo.putTag(t.id, projectId, { tag, author: who, isAuto: false, reason: null, at });
      this.undoLog.push(projectId, who, `tag ${tag} on ${count(takes.length)}`, { kind: 'tags', items }, at);
    });
    return this.changed(projectId, takes.map((t) => t.id));
  }

  /** Clears the author's verdict (only when it is `tag`, when given). Undoable. */
  untag(takeIds: readonly string[], tag: TagName | undefined, author: string): BoardChange {
    const who = this.person(author);
    const { projectId, takes } = this.takesOfOneProject(takeIds);
    const at = this.clock.now();
    this.db.immediate(() => {
      const items = takes.map((t) => ({ takeId: t.id, mark: this.repo.tagOf(t.id, who) })).filter((i) => i.mark !== null && (tag === undefined || i.mark.tag === tag));
      if (items.length === 0) return;
      for (const i of items) this.repo.dropTag(i.takeId, who);
      this.undoLog.push(projectId, who, `remove ${tag ?? 'tag'} from ${count(items.length)}`, { kind: 'tags', items }, at);
    });
    return this.changed(projectId, takes.map((t) => t.id));
  }

  /** Sets the author's star rating (1–5) of each take, or clears it (null). Undoable. */
  rate(takeIds: readonly string[], stars: number | null, author: string): BoardChange {
    const who = this.person(author);
    const { projectId, takes } = this.takesOfOneProject(takeIds);
    const at = this.clock.now();
    this.db.immediate(() => {
      const items = takes.map((t) => ({ takeId: t.id, mark: this.repo.starOf(t.id, who) })).filter((i) => stars !== null || i.mark !== null);
      if (items.length === 0) return;
      for (const i of items) {
        if (stars === null) this.repo.dropStar(i.takeId, who);
        else this.repo.putStar(i.takeId, projectId, { author: who, stars, at });
      }
      this.undoLog.push(projectId, who, stars === null ? `clear the stars of ${count(items.length)}` : `${stars} ★ on ${count(items.length)}`, { kind: 'stars', items }, at);
    });
    return this.changed(projectId, takes.map((t) => t.id));
  }

  /** The auto-check's verdict: needs-fix with the failing checks as the reason. Not undoable; idempotent. */
  autoTag(takeId: string, reason: string): void {
    const take = this.sources.take(takeId);
    this.db.immediate(() => this.repo.putTag(takeId, take.projectId, { tag: 'needs-fix', author: AUTO_AUTHOR, isAuto: true, reason: reason.slice(0, 500), at: this.clock.now() }));
    this.logger.log('info', 'auto-tagged needs-fix', { takeId });
    this.changed(take.projectId, [takeId]);
  }

  /** Clears the auto-check's verdict (a re-check passed). */
  clearAutoTag(takeId: string): void {
    const take = this.sources.take(takeId);
    if (this.db.immediate(() => this.repo.dropTag(takeId, AUTO_AUTHOR)) > 0) this.changed(take.projectId, [takeId]);
  }

  /** Manual shortlist override: 'in', 'out', or null to let the score decide. Undoable. */
  setOverride(takeIds: readonly string[], override: Override | null, author: string): BoardChange {
    const { projectId, takes } = this.takesOfOneProject(takeIds);
    const at = this.clock.now();
    this.db.immediate(() => {
      const items = takes.map((t) => {
        const was = this.repo.overrideOf(t.id);
        return { takeId: t.id, was: was ? { override: was.override, author: was.author, at: was.at } : null };
      });
      for (const t of takes) {
        if (override === null) this.repo.dropOverride(t.id);
        else this.repo.putOverride(t.id, projectId, { takeId: t.id, override, author, at });
      }
      const label = override === 'in' ? 'shortlist' : override === 'out' ? 'keep out of the shortlist' : 'clear the shortlist override of';
      this.undoLog.push(projectId, author, `${label} ${count(takes.length)}`, { kind: 'override', items }, at);
    });
    return this.changed(projectId, takes.map((t) => t.id));
  }

  /** Sets how the shortlist is cut. Undoable. */
  setRule(projectId: string, rule: ShortlistRule, author: string): BoardChange {
    const at = this.clock.now();
    this.db.immediate(() => {
      const was = this.repo.ruleOf(projectId);
      this.repo.putRule(projectId, rule, at);
      this.undoLog.push(projectId, author, rule.mode === 'top' ? `shortlist the top ${rule.n}` : `shortlist the top ${rule.percent} %`, { kind: 'rule', rule: was }, at);
    });
    return this.emitChange({ projectId, marks: [], rule });
  }

  /** Reverts the author's newest tag or shortlist action in this project. */
  undo(projectId: string, author: string): UndoResult {
    const at = this.clock.now();
    const done = this.db.immediate(() => {
      const top = this.undoLog.top(projectId, author);
      if (!top) return null;
      const touched = this.restore(projectId, author, top.before);
      this.undoLog.markUndone(top.id, at);
      return { label: top.label, touched, isRule: top.before.kind === 'rule' };
    });
    const remaining = this.undoLog.count(projectId, author);
    if (!done) return { undone: null, remaining, marks: [], rule: null };
    const change = this.emitChange({ projectId, marks: done.touched.map((id) => this.repo.marksOf(id)), rule: done.isRule ? this.rule(projectId) : null });
    return { undone: done.label, remaining, marks: change.marks, rule: change.rule };
  }

  comments(takeId: string): Comment[] {
    this.sources.take(takeId);
    return this.repo.comments(takeId);
  }

  /** A comment on the take, optionally at a timecode (and range end), with a drawing on that frame. */
  addComment(takeId: string, body: string, author: string, at: Pick<NewComment, 'atSec' | 'endSec' | 'drawing'> = {}): Comment {
    const take = this.sources.take(takeId);
    const within = (sec: number | undefined, field: string): number | null => {
      if (sec === undefined) return null;
      if (take.durationSec !== null && sec > take.durationSec + 0.001) {
        throw new AppError('VALIDATION', `${field}: ${sec} s is past the end of this take (${take.durationSec} s). Pick a time within the take.`, { field });
      }
      return sec;
    };
    const c: Comment = {
      id: this.ids.newId('cmt'),
      takeId,
      author: this.person(author),
      body: body.trim(),
      atSec: within(at.atSec, 'atSec'),
      endSec: within(at.endSec, 'endSec'),
      drawing: at.drawing ?? null,
      createdAt: this.clock.now(),
    };
    this.db.immediate(() => this.repo.addComment({ ...c, projectId: take.projectId }));
    this.changed(take.projectId, [takeId]);
    return c;
  }

  deleteComment(id: string): { id: string } {
    const c = this.repo.comment(id);
    if (!c) throw new AppError('NOT_FOUND', `No comment with id ${id}. List the take's comments to see the ids that exist.`, { field: 'id', id });
    this.db.immediate(() => this.repo.deleteComment(id, this.clock.now()));
    this.changed(c.projectId, [c.takeId]);
    return { id };
  }

  /**
   * Marks takes exported (the export calls this). A release take counts for the preview it
   * re-renders, which is the card on the board. Idempotent: the first publish time stays.
   */
  markPublished(takeIds: readonly string[], exportRef: string | null = null): void {
    const byProject = new Map<string, string[]>();
    const at = this.clock.now();
    this.db.immediate(() => {
      for (const id of takeIds) {
        const t = this.sources.take(id);
        const shown = t.artifactClass === 'release' && t.sourceTakeId !== null ? t.sourceTakeId : t.id;
        if (this.repo.putPublished(shown, t.projectId, at, exportRef) > 0) byProject.set(t.projectId, [...(byProject.get(t.projectId) ?? []), shown]);
      }
    });
    for (const [projectId, ids] of byProject) this.changed(projectId, ids);
  }

  /**
   * When the take's release was exported, or null. A release take answers for the preview it
   * re-renders (the card that holds the published mark).
   */
  publishedAt(takeId: string): number | null {
    const t = this.sources.take(takeId);
    return this.repo.marksOf(t.artifactClass === 'release' && t.sourceTakeId !== null ? t.sourceTakeId : t.id).publishedAt;
  }

  marks(takeId: string): BoardMarks {
    return this.repo.marksOf(takeId);
  }

  private restore(projectId: string, author: string, before: UndoBefore): string[] {
    switch (before.kind) {
      case 'tags':
        for (const i of before.items) {
          if (i.mark) this.repo.putTag(i.takeId, projectId, i.mark);
          else this.repo.dropTag(i.takeId, author);
        }
        return before.items.map((i) => i.takeId);
      case 'override':
        for (const i of before.items) {
          if (i.was) this.repo.putOverride(i.takeId, projectId, { takeId: i.takeId, ...i.was });
          else this.repo.dropOverride(i.takeId);
        }
        return before.items.map((i) => i.takeId);
      case 'stars':
        for (const i of before.items) {
          if (i.mark) this.repo.putStar(i.takeId, projectId, i.mark);
          else this.repo.dropStar(i.takeId, author);
        }
        return before.items.map((i) => i.takeId);
      case 'rule':
        if (before.rule) this.repo.putRule(projectId, before.rule, this.clock.now());
        else this.repo.dropRule(projectId);
        return [];
      default:
        return assertNever(before, 'undo entry');
    }
  }

  private person(author: string): string {
    const who = author.trim();
    if (who.toLowerCase() === AUTO_AUTHOR) {
      throw new AppError('VALIDATION', `author: "${AUTO_AUTHOR}" is reserved for the automatic check. Use your own name.`, { field: 'author' });
    }
    return who;
  }

  private takesOfOneProject(takeIds: readonly string[]): { projectId: string; takes: Take[] } {
    const takes = [...new Set(takeIds)].map((id) => this.sources.take(id));
    const projectId = takes[0]!.projectId;
    const other = takes.find((t) => t.projectId !== projectId);
    if (other) {
      throw new AppError('VALIDATION', `takeIds: every take must belong to one project (${other.id} is in another). Tag each project's takes separately.`, { field: 'takeIds' });
    }
    return { projectId, takes };
  }

  private changed(projectId: string, takeIds: readonly string[]): BoardChange {
    return this.emitChange({ projectId, marks: takeIds.map((id) => this.repo.marksOf(id)), rule: null });
  }

  private emitChange(change: BoardChange): BoardChange {
    this.events.emit('board.changed', change);
    return change;
  }
}

const count = (n: number) => (n === 1 ? '1 take' : `${n} takes`);
