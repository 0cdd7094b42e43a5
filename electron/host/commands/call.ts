import { createInterface } from 'node:readline';
import { callNames } from '../../../shared/contract';
import type { ErrorPayload, Result } from '../../../shared/errors';
import type { Core } from '../../core/createCore';
import { errorLines, EXIT, exitCodeFor } from '../cliExit';
import type { CliIo, Command } from '../cliSupport';
import { CLI_CONTEXT, dataDirOption, openCore, parseFlags, reportError, stopOnSignal, UsageError } from '../cliSupport';
import { StudioClient } from '../studioClient';

/**
 * circletake call NAME [--input JSON]   one contract call, its Result printed as JSON
 * circletake call --batch               JSON lines {"name","input"} on stdin, one {"exit","result"} line each
 * The CLI's raw door onto the contract: the same dispatch the window and the browser host use, as the
 * owner. Scripts can make any call; the batch form answers many calls from one process. With --studio the
 * same calls go to a studio over HTTP (electron/host/studioClient.ts) as the member the token names.
 */
/** Where the calls go: this machine's core (as the owner), or a studio (as the member its token names). */
type Door = (name: string, input: unknown, signal: AbortSignal) => Promise<Result<unknown>>;

async function one(door: Door, name: string, input: unknown, signal: AbortSignal): Promise<{ exit: number; result: Result<unknown> }> {
  const result = await door(name, input, signal);
  return { exit: result.ok ? EXIT.ok : exitCodeFor(result.error.code), result };
}

function parseInput(text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--input is not valid JSON (${(e as Error).message})`);
  }
}

async function batch(door: Door, io: CliIo, signal: AbortSignal): Promise<number> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (signal.aborted) break;
    if (line.trim() === '') continue;
    let req: { name?: unknown; input?: unknown };
    try {
      req = JSON.parse(line) as typeof req;
    } catch (e) {
      const error: ErrorPayload = { code: 'VALIDATION', message: `(line): not valid JSON (${(e as Error).message})`, details: { field: '(line)' } };
      io.out(JSON.stringify({ exit: EXIT.refused, result: { ok: false, error } }));
      continue;
    }
    io.out(JSON.stringify(await one(door, typeof req?.name === 'string' ? req.name : String(req?.name), req?.input, signal)));
  }
  lines.close();
  return signal.aborted ? EXIT.failed : EXIT.ok;
}

export const callCommand: Command = {
  name: 'call',
  summary: 'make any contract call (as the window does) and print its Result as JSON; --batch reads many from stdin',
  usage: [
    "circletake call NAME [--input '<json>'] [--data-dir D]",
    '       circletake call --batch [--data-dir D]   (stdin: one {"name","input"} per line; stdout: one {"exit","result"} per line)',
    '       circletake call NAME|--batch --studio URL [--token T]   (a studio instead of this machine: as the member whose',
    '       token it is, from --token or CIRCLETAKE_STUDIO_TOKEN; mutating calls carry an Idempotency-Key and are retried',
    '       with it while the studio does not answer; exit 1 with STUDIO_UNREACHABLE when it never does)',
    `       calls: ${callNames.join(', ')}`,
  ].join('\n'),
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { ...dataDirOption, input: { type: 'string' }, batch: { type: 'boolean' }, studio: { type: 'string' }, token: { type: 'string' } }, true);
    if (values.batch ? positionals.length !== 0 : positionals.length !== 1) throw new UsageError('use `call NAME [--input JSON]` or `call --batch`');
    const input = parseInput(values.input);
    let core: Core | undefined;
    // Ctrl-C stops a long call (export.run, stitch.run…) cleanly, removing what it half wrote; a batch
    // answers the line in hand and reads no more (exit 1).
    const stop = stopOnSignal(io);
    try {
      let door: Door;
      if (values.studio !== undefined) {
        const client = new StudioClient({ url: values.studio, token: values.token ?? process.env.CIRCLETAKE_STUDIO_TOKEN ?? '' });
        door = (name, callInput, signal) => client.call(name, callInput, { signal });
      } else {
        if (values.token !== undefined) throw new UsageError('--token goes with --studio URL (a studio\'s address); without it the call runs on this machine as its owner');
        const local = (core = await openCore(values));
        door = (name, callInput, signal) => local.dispatch(name, callInput, { ...CLI_CONTEXT, signal });
      }
      if (values.batch) return await batch(door, io, stop.signal);
      const { exit, result } = await one(door, positionals[0]!, input, stop.signal);
      io.out(JSON.stringify(result));
      if (!result.ok) io.err(`circletake: ${errorLines(result.error)}`);
      return exit;
    } catch (e) {
      return reportError(e, io, true);
    } finally {
      await core?.dispose();
      stop.release();
    }
  },
};
