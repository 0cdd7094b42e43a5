import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { canonicalJson } from '../../../shared/canonical';
import type { ErrorPayload } from '../../../shared/errors';
import type { SqlEngine } from '../../core/db/engine/sqlEngine';
import type { Logger } from '../../core/ports';
import { idempotencyRepo as repo } from './idempotencyRepo';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

export interface IdempotencyOptions {
  /** How long a key and its answer are kept (default 24 h); swept after. */
  ttlMs?: number;
  /** How often the process running a call says it is still at it (default 5 s). */
  beatMs?: number;
  /** A running call not heard from for this long was cut off with its process (default 30 s). */
  staleMs?: number;
  /** Wall time (leases must not follow a test's fake core clock). */
  now?: () => number;
}

/** What to do with a mutating call that carries a key. */
export type Begin =
  | { kind: 'run'; finish(status: number, body: unknown): Promise<void>; release(): Promise<void> }
  | { kind: 'replay'; status: number; body: string }
  | { kind: 'refused'; error: ErrorPayload; retryAfterSec?: number };

const KEY = /^[A-Za-z0-9._:~+/=-]{1,200}$/;

/**
 * Idempotency keys for the studio server's mutating calls, kept in the studio database so every studio
 * process behind the load balancer honours them. The first call with a key claims it ('running'), runs,
 * and stores its answer ('done'); a repeat with the same key and body gets that answer without running
 * the call again, on any process; the same key with another body is refused (VALIDATION).
 *
 * The guarantee, honestly: a repeat never applies a call twice. A repeat while the first still runs is
 * told to retry (CONFLICT, Retry-After). If the first's process dies between the call's commit and the
 * storing of its answer (one UPDATE after the call returns), the key stays 'running' with no answer; once
 * its beats stop for `staleMs`, a repeat is told the first was cut off and may or may not have taken
 * effect (CONFLICT): the client checks, and sends a new key if it did not. The call is not run again
 * blind, because nothing can tell "died before the commit" from "died after it".
 */
export class IdempotencyKeys {
  private readonly ttlMs: number;
  private readonly beatMs: number;
  private readonly staleMs: number;
  private readonly now: () => number;
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private lastSweep = 0;

  constructor(
    private readonly engine: SqlEngine,
    private readonly logger: Logger,
    opts: IdempotencyOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? 24 * 3600_000;
    this.beatMs = opts.beatMs ?? 5_000;
    this.staleMs = opts.staleMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  async begin(caller: string, key: string, callName: string, input: unknown): Promise<Begin> {
    if (!KEY.test(key)) {
      return refused('VALIDATION', `The ${IDEMPOTENCY_HEADER} header must be 1 to 200 letters, digits or ._:~+/=- (a UUID is ideal).`);
    }
    this.sweepNowAndThen();
    const bodyHash = createHash('sha256').update(`${callName}\n${canonicalJson(input ?? {})}`).digest('hex');
    const now = this.now();
    if (await repo.claim(this.engine, { caller, key, callName, bodyHash, owner: this.owner, now, expiresAt: now + this.ttlMs })) return this.running(caller, key);
    const row = await repo.get(this.engine, caller, key);
    if (!row) return this.begin(caller, key, callName, input); // swept between the two statements: claim again
    if (row.body_hash !== bodyHash) {
      return refused(
        'VALIDATION',
        `The ${IDEMPOTENCY_HEADER} "${key}" was first used for ${row.call_name === callName ? 'this call with another body' : `another call (${row.call_name})`}; a different request needs a new key.`,
      );
    }
    if (row.state === 'done') return { kind: 'replay', status: row.http_status!, body: row.answer! };
    if (now - row.beat_at < this.staleMs) {
      return {
        ...refused('CONFLICT', `The first call with this ${IDEMPOTENCY_HEADER} is still running; retry in a moment to get its answer.`, { state: 'running' }),
        retryAfterSec: Math.max(1, Math.ceil(this.beatMs / 1000)),
      };
    }
    return refused(
      'CONFLICT',
      `The first call with this ${IDEMPOTENCY_HEADER} was cut off (its studio process stopped) before its answer was stored: it may or may not have taken effect. Check (the board, jobs.list) before sending it again, under a new key.`,
      { state: 'cut off' },
    );
  }

  private running(caller: string, key: string): Begin {
    const beat = setInterval(() => {
      repo.beat(this.engine, caller, key, this.owner, this.now()).catch((e: unknown) => this.logger.log('warn', 'idempotency key: a beat failed', { error: String(e) }));
    }, this.beatMs);
    beat.unref();
    return {
      kind: 'run',
      finish: async (status, body) => {
        clearInterval(beat);
        try {
          await repo.finish(this.engine, caller, key, this.owner, status, JSON.stringify(body));
        } catch (e) {
          // The call's answer still goes to the client; a repeat finds the key cut off and is told to check.
          this.logger.log('error', 'idempotency key: the answer could not be stored', { error: String(e) });
        }
      },
      release: async () => {
        clearInterval(beat);
        await repo.release(this.engine, caller, key, this.owner).catch((e: unknown) => this.logger.log('warn', 'idempotency key: release failed', { error: String(e) }));
      },
    };
  }

  /** Expired keys go at most once a minute per process, off the call's path. */
  private sweepNowAndThen(): void {
    const now = this.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    repo.sweep(this.engine, now).catch((e: unknown) => this.logger.log('warn', 'idempotency keys: the sweep failed', { error: String(e) }));
  }

  /** Removes expired keys now (tests, and a studio that wants it on its own schedule). */
  sweep(): Promise<number> {
    return repo.sweep(this.engine, this.now());
  }
}

function refused(code: 'VALIDATION' | 'CONFLICT', message: string, extra: Record<string, unknown> = {}): Begin & { kind: 'refused' } {
  return { kind: 'refused', error: { code, message, details: { field: IDEMPOTENCY_HEADER, ...extra } } };
}
