import type { PlannedOutcome } from './fakeTasks';

export type FakeRoute = 'create' | 'get' | 'delete' | 'organization' | 'usage' | 'upload' | 'output';

/**
 * What to do to one request. `after: true` performs the request first (a create makes a real, billed
 * task) and then answers with the fault: the "did it go through?" cases.
 */
export type Fault =
  | { kind: 'status'; status: number; error?: string; retryAfter?: string; retryAfterMs?: number; shouldRetry?: 'true' | 'false'; after?: boolean }
  /** Answers normally, late. */
  | { kind: 'delay'; ms: number; after?: boolean }
  /** Never answers; the client must time out. */
  | { kind: 'hang'; after?: boolean }
  /** Drops the connection without an answer. */
  | { kind: 'reset'; after?: boolean }
  /** Output downloads only: sends the headers and half the body, then drops the connection. */
  | { kind: 'truncate' };

export interface FaultRule {
  route: FakeRoute | 'any';
  /** Only requests for this model (creates). */
  model?: string;
  /** How many matching requests it hits; default 1. */
  times?: number;
  fault: Fault;
}

export interface ChaosOptions {
  seed: number;
  /** Per create POST: probabilities of each fault (the rest answer normally). */
  create?: { p429?: number; p5xxBefore?: number; p5xxAfter?: number; pResetBefore?: number; pResetAfter?: number; pHangAfter?: number };
  /** Per GET/DELETE/organization call. */
  read?: { p429?: number; p5xx?: number; pReset?: number };
  /** Probability a task fails (with a random failure code) and that a finished task is refunded (cost 0). */
  pFailed?: number;
  pRefund?: number;
}

export const FAILURE_CODES = ['SAFETY.INPUT.TEXT', 'SAFETY.INPUT.IMAGE', 'SAFETY.OUTPUT.VIDEO', 'INTERNAL.BAD_OUTPUT.CODE01', 'INPUT_PREPROCESSING.SAFETY.TEXT', 'INPUT_PREPROCESSING.INTERNAL', 'ASSET.INVALID', 'INTERNAL'];

/** mulberry32, seeded: chaos runs are reproducible. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 503 is Runway shedding load: it never comes after a task was made (a client retries it as "nothing created"). */
const FIVE_XX_BEFORE = [502, 503, 504];
const FIVE_XX_AFTER = [500, 502, 504];

/** Refuses a scenario Runway never plays: a task made, then answered 503 (load shedding means nothing was created). */
export function assertHonest(f: Fault): void {
  if (f.kind === 'status' && f.status === 503 && f.after) throw new Error('fake runway: a 503 means Runway shed the request before making a task; use 500, 502 or 504 for "made, then failed"');
}

/** Picks a chaos fault for a request, or null. */
export function chaosFault(c: ChaosOptions, route: FakeRoute, rnd: () => number): Fault | null {
  const pick = (opts: [number | undefined, () => Fault][]): Fault | null => {
    let r = rnd();
    for (const [p, f] of opts) {
      if (p === undefined || p <= 0) continue;
      if (r < p) return f();
      r -= p;
    }
    return null;
  };
  const fiveXx = (after: boolean): Fault => ({ kind: 'status', status: (after ? FIVE_XX_AFTER : FIVE_XX_BEFORE)[Math.floor(rnd() * 3)]!, retryAfter: rnd() < 0.5 ? '1' : undefined, after });
  if (route === 'create') {
    const k = c.create ?? {};
    return pick([
      [k.p429, () => ({ kind: 'status', status: 429, error: 'Too many requests', retryAfter: '1' })],
      [k.p5xxBefore, () => fiveXx(false)],
      [k.p5xxAfter, () => fiveXx(true)],
      [k.pResetBefore, () => ({ kind: 'reset' })],
      [k.pResetAfter, () => ({ kind: 'reset', after: true })],
      [k.pHangAfter, () => ({ kind: 'hang', after: true })],
    ]);
  }
  if (route === 'output' || route === 'upload') return null;
  const k = c.read ?? {};
  return pick([
    [k.p429, () => ({ kind: 'status', status: 429, error: 'Too many requests', retryAfter: '1' })],
    [k.p5xx, () => fiveXx(false)],
    [k.pReset, () => ({ kind: 'reset' })],
  ]);
}

/** A chaos outcome for a new task, or null for the default (SUCCEEDED at the estimate). */
export function chaosOutcome(c: ChaosOptions, rnd: () => number): PlannedOutcome | null {
  const failed = rnd() < (c.pFailed ?? 0);
  const refund = rnd() < (c.pRefund ?? 0);
  if (failed) {
    const failureCode = FAILURE_CODES[Math.floor(rnd() * FAILURE_CODES.length)]!;
    return { status: 'FAILED', failureCode, failure: `Simulated failure ${failureCode}`, ...(refund ? { cost: 0 } : {}) };
  }
  return refund ? { status: 'SUCCEEDED', cost: 0 } : null;
}
