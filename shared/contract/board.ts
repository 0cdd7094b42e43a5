import { z } from 'zod';
import { ProviderId } from '../money/params';
import { mutation, query } from './define';
import { Job, JobId, JobStatus, TakeId, TaskStatus } from './jobs';
import { ProjectId } from './projects';
import { Shot, ShotId } from './shots';
import { CheckName, Take } from './takes';
import { Drawing } from './drawing';

/**
 * The review board: where each take stands (draft → auto-check → tag → shortlist → finalize →
 * published), reviewers' tags and comments, the shortlist rule with manual overrides, and undo.
 * Stage, score and shortlist membership are derived by the pure functions in shared/board/, so the
 * renderer re-derives a shot locally (instant moves) with exactly the rules core uses.
 */

/** A reviewer's verdict. In the UI, "pick" is an alias of promising and "reject" of discard. */
export const TagName = z.enum(['promising', 'needs-fix', 'discard']);
export type TagName = z.infer<typeof TagName>;

/** Who tagged or commented: a display name. Absent, the session's role is used. */
export const Author = z.string().trim().min(1, 'must not be empty').max(60, 'must be at most 60 characters');

/** One author's verdict on a take. Each author holds at most one verdict per take. */
export const TagMark = z.object({
  tag: TagName,
  author: z.string(),
  /** Set by the auto-check (a required check failed), not by a person. */
  isAuto: z.boolean(),
  /** Why (the auto-check's failing checks), or null. */
  reason: z.string().nullable(),
  at: z.number().int(),
});
export type TagMark = z.infer<typeof TagMark>;

/** A star rating, 1 to 5 (Lightroom's): how good a take is, beside the verdict. */
export const Stars = z.number().int('must be a whole number of stars').min(1, 'must be 1 to 5 stars').max(5, 'must be 1 to 5 stars');
/** One author's rating of a take. Each author holds at most one rating per take. */
export const StarMark = z.object({ author: z.string(), stars: Stars, at: z.number().int() });
export type StarMark = z.infer<typeof StarMark>;

/** A manual shortlist override: forced in, or kept out whatever its score. */
export const Override = z.enum(['in', 'out']);
export type Override = z.infer<typeof Override>;

/** How the shortlist is cut, per shot: the top N takes, or the top percent (at least one). */
export const ShortlistRule = z.object({
  mode: z.enum(['top', 'percent']),
  n: z.number().int().min(1, 'must keep at least 1 take').max(1000),
  percent: z.number().int().min(1, 'must be at least 1 %').max(100, 'must be at most 100 %'),
});
export type ShortlistRule = z.infer<typeof ShortlistRule>;
export const DEFAULT_SHORTLIST_RULE: ShortlistRule = { mode: 'percent', n: 3, percent: 10 };

export const Stage = z.enum(['draft', 'autocheck', 'tag', 'shortlist', 'finalize', 'published']);
export type Stage = z.infer<typeof Stage>;
/** The column names users and tests rely on. */
export const STAGE_LABELS: Record<Stage, string> = {
  draft: 'Draft',
  autocheck: 'Auto-check',
  tag: 'Tag',
  shortlist: 'Shortlist',
  finalize: 'Finalize',
  published: 'Published',
};

/** A check's verdict as a card shows it; `detail` is kept for failures only (the card's tooltip). */
export const CheckVerdict = z.object({ name: CheckName, ok: z.boolean(), detail: z.string().optional() });
export type CheckVerdict = z.infer<typeof CheckVerdict>;

/** The facts of one take a card needs (from the queue and the auto-check). */
export const TakeFacts = Take.extend({ checks: z.array(CheckVerdict).nullable() });
export type TakeFacts = z.infer<typeof TakeFacts>;

/** What the board itself keeps about a take. */
export const BoardMarks = z.object({
  takeId: TakeId,
  tags: z.array(TagMark),
  stars: z.array(StarMark),
  override: Override.nullable(),
  comments: z.number().int().min(0),
  publishedAt: z.number().int().nullable(),
});
export type BoardMarks = z.infer<typeof BoardMarks>;

/** A preview take's release re-render, as its card shows it in Finalize. */
export const ReleaseState = z.object({
  jobId: JobId.nullable(),
  status: JobStatus,
  /** 0..1 while rendering, else null. */
  progress: z.number().nullable(),
  takeId: TakeId.nullable(),
  checkStatus: z.enum(['pending', 'passed', 'failed', 'error']).nullable(),
  credits: z.number().int().nullable(),
});
export type ReleaseState = z.infer<typeof ReleaseState>;

export const TakeCard = TakeFacts.extend({
  tags: z.array(TagMark),
  stars: z.array(StarMark),
  override: Override.nullable(),
  comments: z.number().int(),
  publishedAt: z.number().int().nullable(),
  release: ReleaseState.nullable(),
  stage: Stage,
  score: z.number(),
  isShortlisted: z.boolean(),
  /** The take's place in its shot, in the order takes were made (Take 1, 2, 3…), whatever the model. */
  number: z.number().int().positive(),
  /** The number of the take this one was made from (a reuse stacks on its source), or null. */
  sourceNumber: z.number().int().positive().nullable(),
});
export type TakeCard = z.infer<typeof TakeCard>;

/** A variation still generating: a job task without a take yet. */
export const DraftCard = z.object({
  jobId: JobId,
  shotId: ShotId,
  n: z.number().int(),
  provider: ProviderId,
  model: z.string(),
  durationSec: z.number().nullable(),
  jobStatus: JobStatus,
  taskStatus: TaskStatus,
  /** The provider holds this variation back (over its concurrency limit): waiting, not rendering. */
  isThrottled: z.boolean(),
  progress: z.number().nullable(),
  /** This variation's share of the job's estimate. */
  credits: z.number().int(),
  createdAt: z.number().int(),
});
export type DraftCard = z.infer<typeof DraftCard>;

export const BoardShot = z.object({ shot: Shot, takes: z.array(TakeCard), drafts: z.array(DraftCard) });
export type BoardShot = z.infer<typeof BoardShot>;

export const BoardView = z.object({
  projectId: ProjectId,
  rule: ShortlistRule,
  shots: z.array(BoardShot),
  /** Jobs not yet terminal (drafts and release re-renders): the renderer's jobs cache starts from these. */
  activeJobs: z.array(Job),
});
export type BoardView = z.infer<typeof BoardView>;

export const Comment = z.object({
  id: z.string(),
  takeId: TakeId,
  author: z.string(),
  body: z.string(),
  /** Where in the take it points, in seconds (frame-accurate: the frame is ⌊atSec × fps⌋), or null for the whole take. */
  atSec: z.number().nullable(),
  /** The end of the range it covers, or null for one frame. */
  endSec: z.number().nullable(),
  /** What was drawn on the frame at atSec, or null. */
  drawing: Drawing.nullable(),
  createdAt: z.number().int(),
});
export type Comment = z.infer<typeof Comment>;

const Seconds = z.number().min(0, 'must not be negative').max(86_400, 'must be at most a day');
/** A new comment: the body, and optionally its timecode, range end and drawing. */
export const NewComment = z
  .object({
    takeId: TakeId,
    body: z.string().trim().min(1, 'must not be empty').max(4000, 'must be at most 4000 characters'),
    atSec: Seconds.optional(),
    endSec: Seconds.optional(),
    drawing: Drawing.optional(),
    author: Author.optional(),
  })
  .strict()
  .refine((c) => c.endSec === undefined || (c.atSec !== undefined && c.endSec > c.atSec), {
    message: 'must come after atSec (a range runs from atSec to endSec); leave it out for a single frame',
    path: ['endSec'],
  })
  .refine((c) => c.drawing === undefined || c.atSec !== undefined, { message: 'needs atSec: a drawing sits on one frame', path: ['drawing'] });
export type NewComment = z.infer<typeof NewComment>;

const TakeIds = z.array(TakeId).min(1, 'must name at least one take').max(10_000);
const ByProject = z.object({ projectId: ProjectId }).strict();
/** What changed on the board; the renderer re-derives the shots these takes belong to. */
export const BoardChange = z.object({ projectId: ProjectId, marks: z.array(BoardMarks), rule: ShortlistRule.nullable() });
export type BoardChange = z.infer<typeof BoardChange>;

/**
 * What an undo reverted, in words ("tag promising on 3 takes"), or null when there was nothing to
 * undo; the marks it put back and the rule when it restored one (also sent as board.changed).
 */
export const UndoResult = z.object({
  undone: z.string().nullable(),
  remaining: z.number().int(),
  marks: z.array(BoardMarks),
  rule: ShortlistRule.nullable(),
});
export type UndoResult = z.infer<typeof UndoResult>;

export const boardCalls = {
  'board.view': query(z.object({ projectId: ProjectId, shotId: ShotId.optional() }).strict(), BoardView),
  /** Sets the author's verdict on each take (replacing their previous one). */
  'tags.add': mutation(z.object({ takeIds: TakeIds, tag: TagName, author: Author.optional() }).strict(), BoardChange),
  /** Clears the author's verdict (only `tag` when given). */
  'tags.remove': mutation(z.object({ takeIds: TakeIds, tag: TagName.optional(), author: Author.optional() }).strict(), BoardChange),
  'comments.list': query(z.object({ takeId: TakeId }).strict(), z.array(Comment)),
  /** Sets (1–5) or clears (null) the author's star rating of each take. Undoable. */
  'stars.set': mutation(z.object({ takeIds: TakeIds, stars: Stars.nullable(), author: Author.optional() }).strict(), BoardChange),
  'comments.add': mutation(NewComment, Comment),
  'comments.delete': mutation(z.object({ id: z.string().min(1) }).strict(), z.object({ id: z.string() })),
  'shortlist.rule': query(ByProject, ShortlistRule),
  /** Sets how the shortlist is cut (top N or top percent per shot). */
  'shortlist.auto': mutation(z.object({ projectId: ProjectId, rule: ShortlistRule, author: Author.optional() }).strict(), BoardChange),
  /** Manual override: force takes in, keep them out, or clear the override (null). */
  'shortlist.set': mutation(z.object({ takeIds: TakeIds, override: Override.nullable(), author: Author.optional() }).strict(), BoardChange),
  /** Reverts the session author's last tag or shortlist action in this project. */
  'board.undo': mutation(z.object({ projectId: ProjectId, author: Author.optional() }).strict(), UndoResult),
} as const;

export const boardEvents = {
  'board.changed': BoardChange,
} as const;
