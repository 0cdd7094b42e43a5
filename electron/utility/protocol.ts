import type { Caller } from '../../shared/contract';
import type { ErrorPayload, Result } from '../../shared/errors';

/**
 * The message protocol between Electron main and the core process (an Electron utilityProcess in the
 * app; a worker_threads MessageChannel or a Node child process in tests). Free of Electron: both ends
 * speak it over a `Wire`, and each runtime only supplies the adapter that moves structured-clone
 * messages. Requests carry an `id`; the other side answers with `result` (utility → main) or `reply`
 * (main → utility). Nothing here is a secret except the `init` keys, which never leave the two processes.
 */

/** What main tells the core process once, before anything else. */
export interface CoreProcessConfig {
  dataDir: string;
  appVersion: string;
  isStrict: boolean;
  /** better-sqlite3 built for Electron's ABI (the utility process runs Electron's Node). */
  sqliteBinding?: string;
  resourcesDir?: string;
  /** Keys main unsealed from the OS keychain (safeStorage exists in main only), as hex. Absent: the 0600 key file. */
  secretKeysHex?: Record<string, string>;
  /** The Runway key is asked of main on each use (main holds the keychain). False: RUNWAYML_API_SECRET. */
  runwayKeyFromMain: boolean;
  /** Native folder picker in main (system.pickFolder). */
  hasDialogs: boolean;
  /** The built renderer, for the review server the first share link starts (null: no review server). */
  rendererDir: string | null;
  logLevel: 'debug' | 'info';
  /** Where the preview and release stores live (default: CIRCLETAKE_STORE_URL in the core process's environment, else the data dir). */
  storeUrl?: string;
  storeCredentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** A studio's PostgreSQL (default: CIRCLETAKE_DATABASE_URL in the core process's environment, else the data dir's SQLite). */
  databaseUrl?: string;
}

export interface WireCallContext {
  role: Caller;
  door: 'electron' | 'host' | 'cli';
  author?: string;
  memberId?: string;
  /** The caller's Idempotency-Key, for a transport that relays the call to a studio (ignored by a local core). */
  idempotencyKey?: string;
}

export interface MediaRequest {
  url: string;
  method: string;
  range: string | null;
  cls: 'preview' | 'release';
}

/** A media answer as it crosses: a file main opens itself (re-checked inside `root`), or a stream pulled chunk by chunk. */
export interface WireMediaAnswer {
  status: number;
  headers: Record<string, string>;
  body: { file: string; root: string; size: number; start: number; end: number } | { stream: string } | null;
}

export type MainToCore =
  | { t: 'init'; config: CoreProcessConfig }
  | { t: 'call'; id: number; name: string; input: unknown; ctx: WireCallContext }
  | { t: 'media'; id: number; req: MediaRequest }
  | { t: 'pull'; id: number; stream: string }
  | { t: 'cancel'; stream: string }
  | { t: 'dispose'; id: number }
  | { t: 'reply'; id: number; ok: true; value: unknown }
  | { t: 'reply'; id: number; ok: false; error: string };

export type CoreToMain =
  | { t: 'ready'; pid: number }
  | { t: 'failed'; message: string }
  | { t: 'result'; id: number; value: unknown }
  | { t: 'event'; name: string; payload: unknown }
  | { t: 'request'; id: number; op: 'runwayKey' }
  | { t: 'request'; id: number; op: 'pickFolder'; title: string }
  | { t: 'notify'; title: string; body: string }
  | { t: 'progress'; value: number };

/** A chunk answer to `pull`: bytes, or done. */
export type PullAnswer = { done: true } | { done: false; chunk: Uint8Array };

/** One end of a message channel. `listen` returns the unsubscribe. */
export interface Wire<In, Out> {
  post(msg: Out): void;
  listen(cb: (msg: In) => void): () => void;
}

/** A worker_threads MessagePort (tests; the same shape as Node's child-process IPC once wrapped). */
export interface NodePortLike {
  postMessage(msg: unknown): void;
  on(ev: 'message', cb: (data: unknown) => void): unknown;
  off(ev: 'message', cb: (data: unknown) => void): unknown;
  start?(): void;
}

export function nodePortWire<In, Out>(port: NodePortLike): Wire<In, Out> {
  return {
    post: (msg) => port.postMessage(msg),
    listen(cb) {
      const l = (data: unknown) => cb(data as In);
      port.on('message', l);
      port.start?.();
      return () => port.off('message', l);
    },
  };
}

/** Electron's `process.parentPort` and MessagePortMain: listeners get `{ data }`. */
export interface EventPortLike {
  postMessage(msg: unknown): void;
  on(ev: 'message', cb: (e: { data: unknown }) => void): unknown;
  off(ev: 'message', cb: (e: { data: unknown }) => void): unknown;
  start?(): void;
}

export function eventPortWire<In, Out>(port: EventPortLike): Wire<In, Out> {
  return {
    post: (msg) => port.postMessage(msg),
    listen(cb) {
      const l = (e: { data: unknown }) => cb(e.data as In);
      port.on('message', l);
      port.start?.();
      return () => port.off('message', l);
    },
  };
}

/** The error every call in flight gets when the core process goes away: clear, never a hang. */
export function coreStoppedError(why: string): ErrorPayload {
  return { code: 'DB_UNAVAILABLE', message: `Circle Take's core process stopped (${why}) before answering this call, which may or may not have been applied: look before trying it again.` };
}

export const stoppedResult = (why: string): Result<unknown> => ({ ok: false, error: coreStoppedError(why) });
