import type { ClassKey, StageKey } from '../../../shared/contract/insightTypes';

/**
 * The rows the report computations read, as plain data (insightRepo.ts fills them from SQLite; the
 * pure functions beside this file never touch the database).
 */
/** The attempts table's statuses, plus 'running' for an attempt not finished yet (its row still says 'unknown'). */
export type AttemptStatus = 'ok' | 'fail' | 'timeout' | 'canceled' | 'unknown' | 'cache_hit' | 'retry' | 'running';

export interface AttemptRow {
  id: number;
  jobId: string;
  projectId: string;
  provider: string;
  artifactClass: string;
  model: string;
  outputSpec: string;
  creditsBefore: number | null;
  creditsAfter: number | null;
  creditsEstimated: number | null;
  creditsCharged: number | null;
  latencyMs: number | null;
  queueTimeMs: number | null;
  status: AttemptStatus;
  errorCode: string | null;
  startedAt: number;
  finishedAt: number | null;
}

/** One posted movement of spend: + captured or debited, − refunded. */
export interface SpendRow {
  day: string;
  credits: number;
  stage: StageKey;
  artifactClass: ClassKey;
  projectId: string | null;
  pool: string;
  surface: string;
  kind: string;
  /** Who spent it: a studio member's id (mem_…), the name a local session tagged with, or null. */
  userId: string | null;
  /** The member's name when userId is a member. */
  userName: string | null;
}

/** A take with what the board says about it. */
export interface TakeMarkRow {
  id: string;
  projectId: string;
  artifactClass: 'preview' | 'release';
  sourceTakeId: string | null;
  checkStatus: string;
  createdAt: number;
  /** Human verdicts (the auto-check's needs-fix is not a person's). */
  hasPromising: boolean;
  hasDiscard: boolean;
  hasNeedsFix: boolean;
  isOverrideIn: boolean;
  /** Verdicts on the preview a release re-renders (a discarded preview's final is not approved). */
  sourceHasDiscard: boolean;
}

export interface PublishedRow {
  takeId: string;
  projectId: string;
  publishedAt: number;
}

export interface CacheHitRow {
  jobId: string;
  projectId: string;
  creditsSaved: number;
  createdAt: number;
}

/** A pool's posted balance change on one day (for burn-down). */
export interface PoolDayRow {
  pool: string;
  day: string;
  delta: number;
}

/** A provider task that rendered or may have (cache hits and refused creates did not). */
export const isRender = (s: AttemptStatus): boolean => s === 'ok' || s === 'fail' || s === 'timeout' || s === 'canceled' || s === 'unknown' || s === 'running';
/** Ended, and judged: canceled and running attempts are neither a success nor a failure. */
export const isJudged = (s: AttemptStatus): boolean => s === 'ok' || s === 'fail' || s === 'timeout' || s === 'unknown';
export const isFailure = (s: AttemptStatus): boolean => s === 'fail' || s === 'timeout' || s === 'unknown';
