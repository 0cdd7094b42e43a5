import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CheckReport } from '../../../shared/contract/media';
import { AutoChecker } from '../../core/media/check/autoChecker';
import type { CheckExpectations } from '../../core/media/check/expectations';
import { FfmpegRunner } from '../../core/media/ffmpeg/runner';
import { defaultWatermarkSpec } from '../../core/media/watermark';
import { silentLogger } from '../../core/nodePorts';
import type { CliIo, Command } from '../cliSupport';
import { parseFlags, reportError, UsageError } from '../cliSupport';

/**
 * circletake check FILE [--expect-duration S] [--expect-resolution WxH] [--class preview|release]
 *                       [--expect-audio] [--json]
 * Fixed contract (other tools depend on it): --json prints {"ok": bool, "checks": [{"name", "ok",
 * "value", "detail"}]} with the checks decode, duration, resolution, black, freeze, audio, watermark.
 * Exit 0 when every check passes, 1 when any fails, 2 on a usage error or a missing file.
 * Needs no data dir: it reads the file only.
 */
export function parseCheckFlags(argv: string[]): { file: string; expectations: CheckExpectations; json: boolean } {
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
  const e: CheckExpectations = {};
  const d = values['expect-duration'];
  if (d !== undefined) {
    const n = Number(d);
    if (d.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 3600) throw new UsageError(`--expect-duration must be seconds, more than 0 and at most 3600 (got "${d}")`);
    e.durationSec = n;
  }
  const r = values['expect-resolution'];
  if (r !== undefined) {
    const m = /^(\d{2,5})x(\d{2,5})$/.exec(r);
    if (!m) throw new UsageError(`--expect-resolution must be WIDTHxHEIGHT, e.g. 1280x720 (got "${r}")`);
    e.resolution = { width: Number(m[1]), height: Number(m[2]) };
  }
  const c = values.class;
  if (c !== undefined) {
    if (c !== 'preview' && c !== 'release') throw new UsageError(`--class must be preview or release (got "${c}")`);
    e.artifactClass = c;
  }
  if (values['expect-audio']) e.audio = true;
  return { file: resolve(positionals[0]!), expectations: e, json: values.json === true };
}

function printReport(file: string, report: CheckReport, io: CliIo): void {
  io.out(`${report.ok ? 'ok  ' : 'FAIL'}  ${file}`);
  for (const c of report.checks) io.out(`  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(10)}  ${c.detail}`);
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'auto-check a clip: decode, duration, resolution, black, freeze, audio, watermark (one decode pass)',
  usage: 'circletake check FILE [--expect-duration S] [--expect-resolution WxH] [--class preview|release] [--expect-audio] [--json]',
  async run(argv, io) {
    const json = argv.includes('--json');
    const runner = FfmpegRunner.fromConfig({}, silentLogger);
    const checker = new AutoChecker({ runner, logger: silentLogger, defaultWatermark: defaultWatermarkSpec(), concurrency: 1 });
    try {
      const { file, expectations } = parseCheckFlags(argv);
      if (!existsSync(file)) throw new UsageError(`no file at ${file}`);
      if (statSync(file).isDirectory()) throw new UsageError(`${file} is a folder; pass a video file`);
      const report = await checker.check(file, expectations);
      if (json) io.out(JSON.stringify(report));
      else printReport(file, report, io);
      return report.ok ? 0 : 1;
    } catch (e) {
      return reportError(e, io, json);
    } finally {
      checker.dispose();
      await runner.dispose();
    }
  },
};
