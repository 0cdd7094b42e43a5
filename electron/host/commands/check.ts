import { resolve } from 'node:path';
import type { CallInput } from '../../../shared/contract';
import type { CheckReport } from '../../../shared/contract/media';
import { createDispatcher } from '../../core/dispatch';
import { AutoChecker } from '../../core/media/check/autoChecker';
import { FfmpegRunner } from '../../core/media/ffmpeg/runner';
import { checkFileHandler } from '../../core/media/mediaHandlers';
import { defaultWatermarkSpec } from '../../core/media/watermark';
import { silentLogger } from '../../core/nodePorts';
import type { CliIo, Command } from '../cliSupport';
import { appErrorOf, CLI_CONTEXT, parseFlags, reportError, UsageError } from '../cliSupport';

/**
 * circletake check FILE [--expect-duration S] [--expect-resolution WxH] [--class preview|release]
 *                       [--expect-audio] [--json]
 * Fixed contract (other tools depend on it): --json prints {"ok": bool, "checks": [{"name", "ok",
 * "value", "detail"}]} with the checks decode, duration, resolution, black, freeze, audio, watermark.
 * Exit 0 when every check passes, 1 when any fails, 2 on a usage error or a missing file.
 * Through the contract (`media.checkFile`, owner only) but needs no data dir: it reads the file only,
 * so it dispatches through a dispatcher serving that one entry (same validation, role check and
 * error mapping as core's), and opens no database. Ctrl-C stops ffmpeg (exit 1, CANCELLED).
 */
export function parseCheckFlags(argv: string[]): { input: CallInput<'media.checkFile'>; json: boolean } {
  const { values, positionals } = parseFlags(
    argv,
    {
      'expect-duration': { type: 'string' },
      'expect-resolution': { type: 'string' },
      class: { type: 'string' },
      'expect-audio': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    true,
  );
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'check needs a FILE to check' : `check takes one FILE (got ${positionals.length})`);
  const expect: NonNullable<CallInput<'media.checkFile'>['expect']> = {};
  const d = values['expect-duration'];
  if (d !== undefined) {
    const n = Number(d);
    if (d.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 3600) throw new UsageError(`--expect-duration must be seconds, more than 0 and at most 3600 (got "${d}")`);
    expect.durationSec = n;
  }
  const r = values['expect-resolution'];
  if (r !== undefined) {
    const m = /^(\d{2,5})x(\d{2,5})$/.exec(r);
    if (!m) throw new UsageError(`--expect-resolution must be WIDTHxHEIGHT, e.g. 1280x720 (got "${r}")`);
    expect.width = Number(m[1]);
    expect.height = Number(m[2]);
  }
  const c = values.class;
  if (c !== undefined && c !== 'preview' && c !== 'release') throw new UsageError(`--class must be preview or release (got "${c}")`);
  if (values['expect-audio']) expect.audio = true;
  return { input: { file: resolve(positionals[0]!), expect, ...(c ? { class: c } : {}) }, json: values.json === true };
}

function printReport(file: string, report: CheckReport, io: CliIo): void {
  io.out(`${report.ok ? 'ok  ' : 'FAIL'}  ${file}`);
  for (const c of report.checks) io.out(`  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(10)}  ${c.detail}`);
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'auto-check a clip: decode, duration, resolution, black, freeze, audio, watermark (one decode pass)',
  usage: 'circletake check FILE [--expect-duration S] [--expect-resolution WxH] [--class preview|release] [--expect-audio] [--json]',
  notes: 'Through media.checkFile (owner only), with no data dir. Exit 1 also when any check fails; a missing file exits 2.',
  async run(argv, io) {
    const json = argv.includes('--json');
    const runner = FfmpegRunner.fromConfig({}, silentLogger);
    const checker = new AutoChecker({ runner, logger: silentLogger, defaultWatermark: defaultWatermarkSpec(), concurrency: 1 });
    const dispatch = createDispatcher(checkFileHandler(checker), silentLogger, process.env.NODE_ENV !== 'production');
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    try {
      const { input } = parseCheckFlags(argv);
      const r = await dispatch('media.checkFile', input, { ...CLI_CONTEXT, signal: abort.signal });
      if (!r.ok) throw appErrorOf(r.error);
      const report = r.value as CheckReport;
      if (json) io.out(JSON.stringify(report));
      else printReport(input.file, report, io);
      return report.ok ? 0 : 1;
    } catch (e) {
      return reportError(e, io, json);
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      checker.dispose();
      await runner.dispose();
    }
  },
};
