import type { ErrorPayload } from '../../shared/errors';

/**
 * A fresh Idempotency-Key: 128 random bits in hex. (Not crypto.randomUUID: a review link opened on the LAN
 * over http is not a secure context, and randomUUID exists only in one.)
 */
export function newCallKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Whether a call was sent but its answer never came: the host or the studio could not be reached, or the
 * first try with its key is still running. It may have been applied; a repeat with the same key is answered
 * once (docs/reliability.md S19). Every other failure is an answer: a repeat of it is a new request.
 */
export function isUnanswered(e: Pick<ErrorPayload, 'code' | 'details'>): boolean {
  return e.code === 'STUDIO_UNREACHABLE' || e.details?.unanswered === true || (e.code === 'CONFLICT' && e.details?.state === 'running');
}

const MAX_KEPT = 50;

/**
 * The keys of requests sent but never answered, by the request's body: the same request made again (the
 * person presses Generate again on the same unsent draft) goes with the same key, so a first try that did
 * land is answered from its record instead of being applied twice; a changed request gets a new key, and so
 * does one made again after an answer (a deliberate repeat).
 */
export class RepeatKeys {
  private readonly kept = new Map<string, string>();

  /** The key to send `body` with: the unanswered one's, else a new one. */
  keyFor(body: string): string {
    return this.kept.get(body) ?? newCallKey();
  }

  /** After the call: keep the key only while the request is unanswered. */
  settle(body: string, key: string, error: Pick<ErrorPayload, 'code' | 'details'> | null): void {
    this.kept.delete(body);
    if (!error || !isUnanswered(error)) return;
    this.kept.set(body, key);
    if (this.kept.size > MAX_KEPT) this.kept.delete(this.kept.keys().next().value!);
  }
}
