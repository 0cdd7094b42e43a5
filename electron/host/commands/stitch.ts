import { resolve } from 'node:path';
import type { EventPayload } from '../../../shared/contract';
import type { Command } from '../cliSupport';
import { call, crossfadeFlag, dataDirOption, parseFlags, projectOf, reportError, UsageError, withCore } from '../cliSupport';

/**
 * circletake stitch --project P --out FILE [--crossfade S] [--overwrite] [--json] [--data-dir D]
 * Joins the project's finals (release takes) in shot order into one MP4; progress on stderr.
 * Through core.dispatch (`stitch.run`, owner only); --json prints its answer {outFile, durationSec,
 * sha256, sizeBytes, target}. A relative --out is taken from the shell's folder. Ctrl-C stops ffmpeg
 * and removes the partial file (exit 1, CANCELLED).
 */
export const stitchCommand: Command = {
  name: 'stitch',
  summary: "join a project's finals in shot order into one MP4 (normalized, audio crossfade)",
  usage: 'circletake stitch --project P --out FILE [--crossfade S] [--overwrite] [--json] [--data-dir D]',
  notes: 'Through stitch.run (owner only). Ctrl-C stops ffmpeg and removes the partial file: exit 1 (CANCELLED). A file already at --out exits 1 (CONFLICT) unless --overwrite.',
  async run(argv, io) {
    const json = argv.includes('--json');
    let values;
    let crossfadeSec: number | undefined;
    try {
      ({ values } = parseFlags(argv, {
        ...dataDirOption,
        project: { type: 'string' },
        out: { type: 'string' },
        crossfade: { type: 'string' },
        overwrite: { type: 'boolean' },
        json: { type: 'boolean' },
      }));
      if (!values.project) throw new UsageError('--project P is required');
      if (!values.out) throw new UsageError('--out FILE is required');
      crossfadeSec = crossfadeFlag(values.crossfade);
    } catch (e) {
      return reportError(e, io, json);
    }
    const { project, out, overwrite } = values;
    return withCore(values, io, json, async (core, signal) => {
      const projectId = (await projectOf(core, project)).id;
      const progress = core.events.subscribe((name, payload) => {
        const e = payload as EventPayload<'stitch.progressed'>;
        if (name === 'stitch.progressed' && e.projectId === projectId) io.err(`stitching ${Math.round(e.fraction * 100)} %`);
      });
      try {
        const r = await call(core, 'stitch.run', { projectId, outFile: resolve(out), overwrite: overwrite === true, ...(crossfadeSec !== undefined ? { crossfadeSec } : {}) }, signal);
        if (json) io.out(JSON.stringify(r));
        else io.out(`stitched ${r.outFile} (${r.durationSec.toFixed(2)} s, ${r.target.width}x${r.target.height} @ ${r.target.fps} fps, sha256 ${r.sha256})`);
      } finally {
        progress();
      }
    });
  },
};
