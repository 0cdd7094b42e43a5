import { parseArgs, type ParseArgsConfig } from 'node:util';
import { openCore as openAnyCore, type Core } from '../core/createCore';
import { resolveDataDir } from '../core/dataDir';
import { createNodePorts } from '../core/nodePorts';
import { AppError, isAppError, type ErrorPayload } from '../../shared/errors';
import type { CallInput, CallName, CallOutput } from '../../shared/contract';
import type { Project } from '../../shared/contract/projects';
import { formatProblem } from '../core/money/configFile';
import type { CallContext } from '../core/dispatch';
import { errorLines, EXIT, exitCodeFor } from './cliExit';
import { hostTools } from './hostTools';
import { appVersion } from './paths';

/** A usage mistake: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** More for `--help`, between the usage and the exit codes: what the command's own exit codes mean, and such. */
  notes?: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

export type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with errors turned into UsageError naming the flag. */
export function parseFlags<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Every command that opens the core takes both: where the data dir is, and (for a studio) which database. */
export const dataDirOption = { 'data-dir': { type: 'string' }, 'database-url': { type: 'string' } } as const;

/** The flags that say where a command's core lives. */
export interface DoorFlags {
  'data-dir'?: string | undefined;
  'database-url'?: string | undefined;
}

/**
 * The studio database a door uses: `--database-url`, else CIRCLETAKE_DATABASE_URL, else none (the data
 * dir's SQLite file). Only postgres:// URLs are accepted, so a typo never silently means "local".
 */
export function databaseUrlFrom(flag: string | undefined): string | undefined {
  const url = flag ?? (process.env.CIRCLETAKE_DATABASE_URL || undefined);
  if (url !== undefined && !/^postgres(ql)?:\/\//i.test(url)) {
    throw new UsageError('--database-url must be a postgres://user:password@host:5432/database URL (or unset CIRCLETAKE_DATABASE_URL to work on the data dir)');
  }
  return url;
}

/** Opens core for a one-shot CLI command (on the data dir's SQLite, or a studio's PostgreSQL); the caller disposes it. */
export async function openCore(flags: DoorFlags | string | undefined, opts: { quiet?: boolean } = {}): Promise<Core> {
  const f: DoorFlags = typeof flags === 'object' ? flags : { 'data-dir': flags };
  const databaseUrl = databaseUrlFrom(f['database-url']);
  return openAnyCore(
    { dataDir: resolveDataDir(f['data-dir']), appVersion: appVersion(), isStrict: process.env.NODE_ENV !== 'production', ...(databaseUrl ? { databaseUrl } : {}) },
    { ...createNodePorts({ quiet: opts.quiet ?? true }), tools: hostTools },
  );
}

/**
 * For every command that prices: each plan or rate-card file broken right now, since when, and the stored
 * version that prices instead (stderr, so --json output stays one object).
 */
export async function warnBrokenConfigs(core: Core, io: CliIo): Promise<void> {
  await core.plans.ready; // the files against the stored versions; refused (no usable plan) as openCore once was
  for (const p of core.money.brokenConfigs()) io.err(`circletake: warning: ${formatProblem(p)}`);
}

/** The CLI is the owner's own door: every call is allowed, and goes through the one dispatcher. */
export const CLI_CONTEXT: CallContext = { role: 'owner', door: 'cli' };

/** An error answer from dispatch, thrown again so the command's one error path reports it. */
export function appErrorOf(e: ErrorPayload): AppError {
  return new AppError(e.code, e.message, e.details);
}

/**
 * Makes a contract call through core.dispatch, as the window and the browser do: one validation, one
 * role check, one error mapping. Throws the answer's error as an AppError.
 */
export async function call<K extends CallName>(core: Core, name: K, input: CallInput<K> | Record<string, unknown>, signal?: AbortSignal): Promise<CallOutput<K>> {
  const r = await core.dispatch(name, input, signal ? { ...CLI_CONTEXT, signal } : CLI_CONTEXT);
  if (!r.ok) throw appErrorOf(r.error);
  return r.value as CallOutput<K>;
}

/** The payload for anything thrown in a command: AppErrors as they are, anything else INTERNAL. */
export function payloadOf(e: unknown): ErrorPayload {
  if (isAppError(e)) return e.toPayload();
  const err = e instanceof Error ? e : new Error(String(e));
  return { code: 'INTERNAL', message: err.message, details: { stack: err.stack } };
}

/**
 * Prints an error and returns its exit code (cliExit.ts): one line on stderr (INTERNAL may print more),
 * and with --json also the error envelope on stdout.
 */
export function reportError(e: unknown, io: CliIo, json: boolean): number {
  if (e instanceof UsageError) {
    io.err(`circletake: ${e.message}`);
    return EXIT.refused;
  }
  const p = payloadOf(e);
  if (p.code === 'INTERNAL') {
    if (json) io.out(JSON.stringify({ ok: false, error: { code: p.code, message: p.message } }));
    io.err(`circletake: something went wrong inside Circle Take: ${p.message}`);
    const stack = (p.details as { stack?: string } | undefined)?.stack;
    if (stack) io.err(stack);
    return EXIT.failed;
  }
  if (json) io.out(JSON.stringify({ ok: false, error: p }));
  io.err(`circletake: ${errorLines(p)}`);
  return exitCodeFor(p.code);
}

export function parseIntFlag(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${flag} must be a whole number from ${min} to ${max} (got "${value}")`);
  return n;
}

export function crossfadeFlag(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 5) throw new UsageError(`--crossfade must be seconds from 0 to 5 (got "${v}")`);
  return n;
}

/** --project takes a project's id (prj_…) or its name; an unknown one is NOT_FOUND (exit 3). */
export async function projectOf(core: Core, ref: string): Promise<Project> {
  const all = await call(core, 'projects.list', {});
  const name = ref.trim().toLowerCase();
  const p = /^prj_/.test(ref) ? all.find((x) => x.id === ref) : all.find((x) => x.name.toLowerCase() === name);
  if (!p) throw new AppError('NOT_FOUND', `--project: No project named or with id "${ref}"; the board and \`circletake jobs\` list them.`, { field: 'project' });
  return p;
}

/**
 * Ctrl-C (SIGINT) and SIGTERM abort the returned signal instead of killing the process, until
 * `release()`: the work stops, removes what it half wrote, and the command exits (CANCELLED, exit 1).
 * A second Ctrl-C changes nothing.
 */
export function stopOnSignal(io: CliIo): { signal: AbortSignal; release(): void } {
  const abort = new AbortController();
  const stop = () => {
    if (!abort.signal.aborted) io.err('circletake: stopping; removing what was half written…');
    abort.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    signal: abort.signal,
    release: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

/**
 * Runs a one-shot command on core: opens it, passes the signal Ctrl-C aborts (stopOnSignal), disposes
 * it after, and turns errors into their exit code. Returns 0 when fn returns.
 */
export async function withCore(flags: DoorFlags | string | undefined, io: CliIo, json: boolean, fn: (core: Core, signal: AbortSignal) => unknown): Promise<number> {
  const stop = stopOnSignal(io);
  let core: Core | undefined;
  try {
    core = await openCore(flags);
    await fn(core, stop.signal);
    return 0;
  } catch (e) {
    return reportError(e, io, json);
  } finally {
    await core?.dispose();
    stop.release();
  }
}
