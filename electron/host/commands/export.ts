import { resolve } from 'node:path';
import type { CallOutput, EventPayload } from '../../../shared/contract';
import type { Command } from '../cliSupport';
import { call, crossfadeFlag, dataDirOption, parseFlags, projectOf, reportError, UsageError, withCore } from '../cliSupport';

/**
 * circletake export --project P --to DIR [--no-sequence] [--crossfade S] [--with-prompts] [--json] [--data-dir D]
 * Copies the project's release takes, the stitched sequence and manifest.json into DIR — all or
 * nothing: a full disk or a folder you cannot write to leaves no partial files, and says so. Files are
 * named by shot and take; prompts go in the manifest only with --with-prompts.
 * Through core.dispatch (`export.run`, as the owner): the exported finals are marked Published.
 * --json prints {dir, manifestFile, manifest} (fixed) plus the rest of export.run's answer (takes,
 * sequenceFile, creditsSpent). Progress goes to stderr. Ctrl-C stops the export and removes every file
 * it had written (exit 1, CANCELLED); a relative --to is taken from the shell's folder.
 */
export const exportCommand: Command = {
  name: 'export',
  summary: "copy a project's release takes, the stitched sequence and a manifest into a folder",
  usage: 'circletake export --project P --to DIR [--no-sequence] [--crossfade S] [--with-prompts] [--json] [--data-dir D]',
  notes: 'Through export.run. Ctrl-C stops the export and removes every file it wrote (and the folder, if it made it): exit 1 (CANCELLED). Files already there with the same names exit 1 (CONFLICT), untouched.',
  async run(argv, io) {
    const json = argv.includes('--json');
    let values;
    let crossfadeSec: number | undefined;
    try {
      ({ values } = parseFlags(argv, {
        ...dataDirOption,
        project: { type: 'string' },
        to: { type: 'string' },
        'no-sequence': { type: 'boolean' },
        crossfade: { type: 'string' },
        'with-prompts': { type: 'boolean' },
        json: { type: 'boolean' },
      }));
      if (!values.project) throw new UsageError('--project P is required');
      if (!values.to) throw new UsageError('--to DIR is required');
      crossfadeSec = crossfadeFlag(values.crossfade);
    } catch (e) {
      return reportError(e, io, json);
    }
    const { project, to } = values;
    const withSequence = values['no-sequence'] !== true;
    const withPrompts = values['with-prompts'] === true;
    return withCore(values, io, json, async (core, signal) => {
      const projectId = (await projectOf(core, project)).id;
      let shown = -1;
      const progress = core.events.subscribe((name, payload) => {
        if (name !== 'export.progressed') return;
        const e = payload as EventPayload<'export.progressed'>;
        const pct = Math.floor(e.fraction * 100);
        if (e.projectId !== projectId || pct === shown) return;
        shown = pct;
        io.err(`exporting ${pct} %`);
      });
      try {
        const r = await call(core, 'export.run', { projectId, toDir: resolve(to), withSequence, withPrompts, ...(crossfadeSec !== undefined ? { crossfadeSec } : {}) }, signal);
        print(r);
      } finally {
        progress();
      }
    });
    function print(r: CallOutput<'export.run'>): void {
      if (json) io.out(JSON.stringify({ dir: r.dir, manifestFile: r.manifestFile, manifest: r.manifest, takes: r.takes, sequenceFile: r.sequenceFile, creditsSpent: r.creditsSpent }));
      else {
        io.out(`exported ${r.manifest.takes.length} take${r.manifest.takes.length === 1 ? '' : 's'}${r.manifest.sequence ? ' and the sequence' : ''} to ${r.dir}`);
        io.out(`manifest ${r.manifestFile} (${r.manifest.creditsSpent} credits spent)`);
      }
    }
  },
};
