import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { AppError } from '../../../../shared/errors';
import type { Core } from '../../createCore';
import type { Handlers } from '../../dispatch';
import { orderedFinals, stitchProject } from '../finals';
import { MANIFEST_NAME, SEQUENCE_NAME, takeFileName, type Manifest } from './manifest';

/**
 * The export.* and stitch.run contract entries. A door's export names an absolute folder: a relative one would land
 * wherever Circle Take was started (the host's working directory), so it is refused, naming the field.
 * (The CLI resolves a relative --to against the shell's folder itself, as a shell user expects.)
 */
export function exportHandlers(core: Pick<Core, 'publisher' | 'finals' | 'stitcher' | 'projects' | 'events'>): Pick<Handlers, 'export.check' | 'export.run' | 'stitch.run'> {
  return {
    'stitch.run': async ({ projectId, outFile, crossfadeSec, overwrite }, ctx) => {
      await core.projects.get(projectId); // NOT_FOUND before anything else
      return stitchProject(core, projectId, absolutePath(outFile, 'outFile', 'file'), {
        overwrite,
        ...(crossfadeSec === undefined ? {} : { crossfadeSec }),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        onProgress: (fraction) => core.events.emit('stitch.progressed', { projectId, fraction }),
      });
    },
    'export.check': async ({ projectId, toDir, withSequence }) => {
      const dir = absolutePath(toDir, 'toDir', 'folder');
      const finals = await orderedFinals(core.finals, projectId);
      const files = [...finals.map((f) => takeFileName(f, f.artifact.id)), ...(withSequence ? [SEQUENCE_NAME] : []), MANIFEST_NAME];
      const isNew = !existsSync(dir);
      return { dir, isNew, files, clashes: isNew ? [] : files.filter((f) => existsSync(join(dir, f))) };
    },
    'export.run': async ({ projectId, toDir, withSequence, crossfadeSec, withPrompts }, ctx) => {
      const r = await core.publisher.export(projectId, absolutePath(toDir, 'toDir', 'folder'), {
        withSequence,
        withPrompts,
        ...(crossfadeSec === undefined ? {} : { crossfadeSec }),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      return {
        dir: r.dir,
        manifestFile: r.manifestFile,
        // Prompts are the studio's work: only the owner's own session gets them back in the answer.
        manifest: ctx.role === 'owner' ? r.manifest : withoutPrompts(r.manifest),
        takes: r.manifest.takes.map((t) => ({ shotPosition: t.shotPosition, takeId: t.takeId, file: t.file, sha256: t.sha256 })),
        sequenceFile: r.manifest.sequence?.file ?? null,
        creditsSpent: r.manifest.creditsSpent,
      };
    },
  };
}

function withoutPrompts(m: Manifest): Manifest {
  return { ...m, takes: m.takes.map(({ prompt: _p, negativePrompt: _n, ...t }) => t) };
}

function absolutePath(path: string, field: 'toDir' | 'outFile', what: 'folder' | 'file'): string {
  const p = path.trim();
  if (!isAbsolute(p)) {
    const example = what === 'folder' ? '/Users/you/Exports/Spring spot' : '/Users/you/Exports/spring-spot.mp4';
    throw new AppError('VALIDATION', `${field}: "${p}" is a relative path; give the full path of the ${what} (for example ${example})${what === 'folder' ? ', or pick it with Choose folder' : ''}.`, {
      field,
    });
  }
  return resolve(p);
}
