import { AppError } from '../../../shared/errors';
import type { Core } from '../../core/createCore';
import { stitchProject, type FinalsSource } from '../../core/media/finals';
import type { Command } from '../cliSupport';
import { dataDirOption, openCore, parseFlags, reportError, UsageError } from '../cliSupport';

/**
 * circletake stitch --project P --out FILE [--crossfade S] [--overwrite] [--json] [--data-dir D]
 * Joins the project's finals (release takes) in shot order into one MP4; progress on stderr.
 */
export function finalsOf(core: Core): FinalsSource {
  if (!core.finals) {
    throw new AppError('POLICY_REFUSED', 'This build cannot list a project\'s finals yet: the takes service is not connected to media (core.finals).', {
      rule: 'finals-source',
    });
  }
  return core.finals;
}

/** --project takes an id (prj_…) or a project's name. */
export function projectIdOf(core: Core, v: string): string {
  if (/^prj_/.test(v)) return core.projects.get(v).id;
  const p = core.projects.findByName(v);
  if (!p) throw new AppError('NOT_FOUND', `No project named or with id "${v}". Use the project id shown on the board.`, { field: 'project' });
  return p.id;
}

export function crossfadeFlag(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 5) throw new UsageError(`--crossfade must be seconds from 0 to 5 (got "${v}")`);
  return n;
}

export const stitchCommand: Command = {
  name: 'stitch',
  summary: "join a project's finals in shot order into one MP4 (normalized, audio crossfade)",
  usage: 'circletake stitch --project P --out FILE [--crossfade S] [--overwrite] [--json] [--data-dir D]',
  async run(argv, io) {
    const json = argv.includes('--json');
    try {
      const { values } = parseFlags(argv, {
        ...dataDirOption,
        project: { type: 'string' },
        out: { type: 'string' },
        crossfade: { type: 'string' },
        overwrite: { type: 'boolean' },
        json: { type: 'boolean' },
      });
      if (!values.project) throw new UsageError('--project P is required');
      if (!values.out) throw new UsageError('--out FILE is required');
      const crossfadeSec = crossfadeFlag(values.crossfade);
      const core = openCore(values['data-dir']);
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once('SIGINT', stop);
      try {
        const projectId = projectIdOf(core, values.project);
        const r = await stitchProject({ finals: finalsOf(core), stitcher: core.stitcher }, projectId, values.out, {
          ...(crossfadeSec !== undefined ? { crossfadeSec } : {}),
          overwrite: values.overwrite === true,
          signal: abort.signal,
          onProgress: (f) => io.err(`stitching ${Math.round(f * 100)} %`),
        });
        if (json) io.out(JSON.stringify(r));
        else io.out(`stitched ${r.outFile} (${r.durationSec.toFixed(2)} s, ${r.target.width}x${r.target.height} @ ${r.target.fps} fps, sha256 ${r.sha256})`);
        return 0;
      } finally {
        process.off('SIGINT', stop);
        await core.dispose();
      }
    } catch (e) {
      return reportError(e, io, json);
    }
  },
};
