import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createCore, type Core } from '../core/createCore';
import { resolveDataDir } from '../core/dataDir';
import { createNodePorts } from '../core/nodePorts';
import { AppError, isAppError } from '../../shared/errors';
import type { Project } from '../../shared/contract/projects';
import { formatProblem } from '../core/money/configFile';
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

export const dataDirOption = { 'data-dir': { type: 'string' } } as const;

/** Opens core for a one-shot CLI command; the caller disposes it. */
export function openCore(dataDirFlag: string | undefined, opts: { quiet?: boolean } = {}): Core {
  return createCore(
    { dataDir: resolveDataDir(dataDirFlag), appVersion: appVersion(), isStrict: process.env.NODE_ENV !== 'production' },
    createNodePorts({ quiet: opts.quiet ?? true }),
  );
}

/**
 * For every command that prices: each plan or rate-card file broken right now, since when, and the stored
 * version that prices instead (stderr, so --json output stays one object).
 */
export function warnBrokenConfigs(core: Core, io: CliIo): void {
  for (const p of core.money.brokenConfigs()) io.err(`circletake: warning: ${formatProblem(p)}`);
}

/** Prints an AppError as one line (or JSON) and returns the exit code for it. */
export function reportError(e: unknown, io: CliIo, json: boolean): number {
  if (e instanceof UsageError) {
    io.err(`circletake: ${e.message}`);
    return 2;
  }
  const err = isAppError(e) ? e : new AppError('INTERNAL', (e as Error)?.message ?? String(e));
  if (json) io.out(JSON.stringify({ ok: false, error: err.toPayload() }));
  else io.err(`circletake: ${err.message}`);
  return err.code === 'VALIDATION' || err.code === 'NOT_FOUND' ? 2 : 1;
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

/** --project takes a project's id (prj_…) or its name; an unknown one is NOT_FOUND (exit 2). */
export function projectOf(core: Core, ref: string): Project {
  const p = /^prj_/.test(ref) ? core.projects.get(ref) : core.projects.findByName(ref);
  if (!p) throw new AppError('NOT_FOUND', `--project: No project named or with id "${ref}"; the board and \`circletake jobs\` list them.`, { field: 'project' });
  return p;
}

/**
 * Runs a one-shot command on core: opens it, aborts the signal on Ctrl-C, disposes it after, and turns
 * errors into their exit code. Returns 0 when fn returns.
 */
export async function withCore(dataDir: string | undefined, io: CliIo, json: boolean, fn: (core: Core, signal: AbortSignal) => unknown): Promise<number> {
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  let core: Core | undefined;
  try {
    core = openCore(dataDir);
    await fn(core, abort.signal);
    return 0;
  } catch (e) {
    return reportError(e, io, json);
  } finally {
    process.off('SIGINT', stop);
    await core?.dispose();
  }
}
