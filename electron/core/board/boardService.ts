import type { BoardChange, BoardMarks, BoardView, Comment, NewComment, Override, ShortlistRule, TagName, TakeCard, UndoResult } from '../../../shared/contract/board';
import type { Take } from '../../../shared/contract/takes';
import { AppError } from '../../../shared/errors';
import type { CoreEvents } from '../coreEvents';
import type { Queryable, SqlEngine } from '../db/engine/sqlEngine';
import type { Clock, Ids, Logger } from '../ports';
import { boardRepo as repo } from './boardRepo';
import type { BoardSources } from './boardSources';
import { readBoardView, shortlistRule } from './boardView';
import { undoLog } from './undoLog';

/** The author the auto-check tags as; people may not use it. */
export const AUTO_AUTHOR = 'auto-check';

/**
 * The review board: tags with authors, comments, the shortlist rule and overrides, published marks,
 * undo of tag and shortlist actions, and the derived view (stages, scores, shortlist) per shot.
 */
export class BoardService {
  constructor(
    private readonly engine: SqlEngine,
    private readonly sources: BoardSources,
    private readonly events: CoreEvents,
    private readonly clock: Clock,
    private readonly ids: Ids,
    private readonly logger: Logger,
  ) {}

  /** The derived board (see boardView.ts). */
  async view(projectId: string, shotId?: string): Promise<BoardView> {
    return readBoardView(this.engine, this.sources, projectId, shotId);
  }

  /** The takes now in the Shortlist column of every shot (what finalize acts on). */
  async shortlisted(projectId: string): Promise<TakeCard[]> {
    return (await this.view(projectId)).shots.flatMap((s) => s.takes.filter((t) => t.stage === 'shortlist'));
  }

  async rule(projectId: string): Promise<ShortlistRule> {
    return shortlistRule(this.engine, projectId);
  }

  /** Sets the author's verdict on each take, replacing their previous one. Undoable. */
  async tag(takeIds: readonly string[], tag: TagName, author: string): Promise<BoardChange> {
    const who = this.person(author);
    const { projectId, takes } = await this.takesOfOneProject(takeIds);
    const at = this.clock.now();
    const ids = takes.map((t) => t.id);
    return this.changedBy(projectId, ids, async (q) => {
      const items = [];
      for (const id of ids) items.push({ takeId: id, mark: await repo.tagOf(q, id, who) });
      for (const id of ids) await repo.putTag(q, id, projectId, { tag, author: who, isAuto: false, reason: null, at });
      await undoLog.push(q, projectId, who, `tag ${tag} on ${count(ids.length)}`, { kind: 'tags', items }, at);
    });
  }

  /** Clears the author's verdict (only when it is `tag`, when given). Undoable. */
  async untag(takeIds: readonly string[], tag: TagName | undefined, author: string): Promise<BoardChange> {
    const who = this.person(author);
    const { projectId, takes } = await this.takesOfOneProject(takeIds);
    const at = this.clock.now();
    const ids = takes.map((t) => t.id);
    return this.changedBy(projectId, ids, async (q) => {
      const items = [];
      for (const id of ids) {
        const mark = await repo.tagOf(q, id, who);
        if (mark !== null && (tag === undefined || mark.tag === tag)) items.push({ takeId: id, mark });
      }
      if (items.length === 0) return;
      for (const i of items) await repo.dropTag(q, i.takeId, who);
      await undoLog.push(q, projectId, who, `remove ${tag ?? 'tag'} from ${count(items.length)}`, { kind: 'tags', items }, at);
    });
  }

  /** Sets the author's star rating (1–5) of each take, or clears it (null). Undoable. */
  async rate(takeIds: readonly string[], stars: number | null, author: string): Promise<BoardChange> {
    const who = this.person(author);
    const { projectId, takes } = await this.takesOfOneProject(takeIds);
    const at = this.clock.now();
    const ids = takes.map((t) => t.id);
    return this.changedBy(projectId, ids, async (q) => {
      const items = [];
      for (const id of ids) {
        const mark = await repo.starOf(q, id, who);
        if (stars !== null || mark !== null) items.push({ takeId: id, mark });
      }
      if (items.length === 0) return;
      for (const i of items) {
        if (stars === null) await repo.dropStar(q, i.takeId, who);
        else await repo.putStar(q, i.takeId, projectId, { author: who, stars, at });
      }
      await undoLog.push(q, projectId, who, stars === null ? `clear the stars of ${count(items.length)}` : `${stars} ★ on ${count(items.length)}`, { kind: 'stars', items }, at);
    });
  }

  /** The auto-check's verdict: needs-fix with the failing checks as the reason. Not undoable; idempotent. */
  async autoTag(takeId: string, reason: string): Promise<void> {
    const take = await this.sources.take(takeId);
    const mark = { tag: 'needs-fix' as const, author: AUTO_AUTHOR, isAuto: true, reason: reason.slice(0, 500), at: this.clock.now() };
    await this.changedBy(take.projectId, [takeId], (q) => repo.putTag(q, takeId, take.projectId, mark));
    this.logger.log('info', 'auto-tagged needs-fix', { takeId });
  }

  /** Clears the auto-check's verdict (a re-check passed). */
  async clearAutoTag(takeId: string): Promise<void> {
    const take = await this.sources.take(takeId);
    if ((await this.engine.tx((q) => repo.dropTag(q, takeId, AUTO_AUTHOR))) > 0) await this.changed(take.projectId, [takeId]);
  }

  /** Manual shortlist override: 'in', 'out', or null to let the score decide. Undoable. */
  async setOverride(takeIds: readonly string[], override: Override | null, author: string): Promise<BoardChange> {
    const { projectId, takes } = await this.takesOfOneProject(takeIds);
    const at = this.clock.now();
    const ids = takes.map((t) => t.id);
    return this.changedBy(projectId, ids, async (q) => {
      const items = [];
      for (const id of ids) {
        const was = await repo.overrideOf(q, id);
        items.push({ takeId: id, was: was ? { override: was.override, author: was.author, at: was.at } : null });
      }
      for (const id of ids) {
        if (override === null) await repo.dropOverride(q, id);
        else await repo.putOverride(q, id, projectId, { takeId: id, override, author, at });
      }
      const label = override === 'in' ? 'shortlist' : override === 'out' ? 'keep out of the shortlist' : 'clear the shortlist override of';
      await undoLog.push(q, projectId, author, `${label} ${count(ids.length)}`, { kind: 'override', items }, at);
    });
  }

  /** Sets how the shortlist is cut. Undoable. */
  async setRule(projectId: string, rule: ShortlistRule, author: string): Promise<BoardChange> {
    const at = this.clock.now();
    await this.engine.tx(async (q) => {
      const was = await repo.ruleOf(q, projectId);
      await repo.putRule(q, projectId, rule, at);
      await undoLog.push(q, projectId, author, rule.mode === 'top' ? `shortlist the top ${rule.n}` : `shortlist the top ${rule.percent} %`, { kind: 'rule', rule: was }, at);
    });
    return this.emitChange({ projectId, marks: [], rule });
  }

  /** Reverts the author's newest tag or shortlist action in this project. */
  async undo(projectId: string, author: string): Promise<UndoResult> {
    const at = this.clock.now();
    const { done, remaining, marks, rule } = await this.engine.tx(async (q) => {
      const top = await undoLog.top(q, projectId, author);
      const undone = top ? { label: top.label, touched: await undoLog.restore(q, projectId, author, top.before, at), isRule: top.before.kind === 'rule' } : null;
      if (top) await undoLog.markUndone(q, top.id, at);
      const after = await undoLog.count(q, projectId, author);
      if (!undone) return { done: null, remaining: after, marks: [], rule: null };
      const touched = [];
      for (const id of undone.touched) touched.push(await repo.marksOf(q, id));
      return { done: undone, remaining: after, marks: touched, rule: undone.isRule ? await shortlistRule(q, projectId) : null };
    });
    if (!done) return { undone: null, remaining, marks: [], rule: null };
    const change = this.emitChange({ projectId, marks, rule });
    return { undone: done.label, remaining, marks: change.marks, rule: change.rule };
  }

  async comments(takeId: string): Promise<Comment[]> {
    await this.sources.take(takeId);
    return repo.comments(this.engine, takeId);
  }

  /** A comment on the take, optionally at a timecode (and range end), with a drawing on that frame. */
  async addComment(takeId: string, body: string, author: string, at: Pick<NewComment, 'atSec' | 'endSec' | 'drawing'> = {}): Promise<Comment> {
    const take = await this.sources.take(takeId);
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
    await this.changedBy(take.projectId, [takeId], (q) => repo.addComment(q, { ...c, projectId: take.projectId }));
    return c;
  }

  async deleteComment(id: string): Promise<{ id: string }> {
    const c = await repo.comment(this.engine, id);
    if (!c) throw new AppError('NOT_FOUND', `No comment with id ${id}. List the take's comments to see the ids that exist.`, { field: 'id', id });
    const at = this.clock.now();
    await this.changedBy(c.projectId, [c.takeId], (q) => repo.deleteComment(q, id, at));
    return { id };
  }

  /**
   * Marks takes exported (the export calls this). A release take counts for the preview it
   * re-renders, which is the card on the board. Idempotent: the first publish time stays.
   */
  async markPublished(takeIds: readonly string[], exportRef: string | null = null): Promise<void> {
    const at = this.clock.now();
    const shown: { id: string; projectId: string }[] = [];
    for (const id of takeIds) {
      const t = await this.sources.take(id);
      shown.push({ id: t.artifactClass === 'release' && t.sourceTakeId !== null ? t.sourceTakeId : t.id, projectId: t.projectId });
    }
    const changes = await this.engine.tx(async (q) => {
      const byProject = new Map<string, BoardMarks[]>();
      for (const s of shown) {
        if ((await repo.putPublished(q, s.id, s.projectId, at, exportRef)) > 0) byProject.set(s.projectId, [...(byProject.get(s.projectId) ?? []), await repo.marksOf(q, s.id)]);
      }
      return byProject;
    });
    for (const [projectId, marks] of changes) this.emitChange({ projectId, marks, rule: null });
  }

  /**
   * When the take's release was exported, or null. A release take answers for the preview it
   * re-renders (the card that holds the published mark).
   */
  async publishedAt(takeId: string): Promise<number | null> {
    const t = await this.sources.take(takeId);
    return (await repo.marksOf(this.engine, t.artifactClass === 'release' && t.sourceTakeId !== null ? t.sourceTakeId : t.id)).publishedAt;
  }

  async marks(takeId: string): Promise<BoardMarks> {
    return repo.marksOf(this.engine, takeId);
  }

  private person(author: string): string {
    const who = author.trim();
    if (who.toLowerCase() === AUTO_AUTHOR) {
      throw new AppError('VALIDATION', `author: "${AUTO_AUTHOR}" is reserved for the automatic check. Use your own name.`, { field: 'author' });
    }
    return who;
  }

  private async takesOfOneProject(takeIds: readonly string[]): Promise<{ projectId: string; takes: Take[] }> {
    const takes: Take[] = [];
    for (const id of new Set(takeIds)) takes.push(await this.sources.take(id));
    const projectId = takes[0]!.projectId;
    const other = takes.find((t) => t.projectId !== projectId);
    if (other) {
      throw new AppError('VALIDATION', `takeIds: every take must belong to one project (${other.id} is in another). Tag each project's takes separately.`, { field: 'takeIds' });
    }
    return { projectId, takes };
  }

  /**
   * Runs the change and reads the touched takes' marks in one transaction (what is announced is what
   * was committed), then announces them: after the commit, never inside the body.
   */
  private async changedBy(projectId: string, takeIds: readonly string[], change: (q: Queryable) => Promise<unknown>): Promise<BoardChange> {
    const marks = await this.engine.tx(async (q) => {
      await change(q);
      const out: BoardMarks[] = [];
      for (const id of takeIds) out.push(await repo.marksOf(q, id));
      return out;
    });
    return this.emitChange({ projectId, marks, rule: null });
  }

  private async changed(projectId: string, takeIds: readonly string[]): Promise<BoardChange> {
    const marks: BoardMarks[] = [];
    for (const id of takeIds) marks.push(await repo.marksOf(this.engine, id));
    return this.emitChange({ projectId, marks, rule: null });
  }

  private emitChange(change: BoardChange): BoardChange {
    this.events.emit('board.changed', change);
    return change;
  }
}

const count = (n: number) => (n === 1 ? '1 take' : `${n} takes`);
