import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { ExportResult, Exporter } from './export/exporter';
import type { ManifestComment } from './export/manifest';
import type { StitchOptions, StitchResult, Stitcher } from './stitch/stitcher';
import type { ReleaseArtifact } from './store/artifact';

/**
 * The finals of a project, for the project-level commands (`circletake stitch --project P --out FILE`,
 * `circletake export --project P --to DIR`). The takes service implements FinalsSource; media only
 * reads it. (Interface shared with the takes service: keep it stable.)
 */
export interface FinalEntry {
  /** Position of the shot in the sequence (1-based); finals are stitched in this order. */
  shotPosition: number;
  takeId: string;
  paramsHash: string;
  model: string;
  /** Credits the release render cost. */
  credits: number;
  artifact: ReleaseArtifact;
  /** Review comments on the take, for the export manifest. */
  comments?: readonly ManifestComment[];
  shotName?: string;
  /** The take's number in its shot (the board's Take N of the preview it re-renders). */
  takeNumber?: number;
  seed?: number | null;
  checkStatus?: string | null;
  /** Unsealed only when an export includes prompts. */
  prompt?: () => { prompt: string; negativePrompt: string | null };
}

export interface FinalsSource {
  finals(projectId: string): readonly FinalEntry[] | Promise<readonly FinalEntry[]>;
}

/** Finals in shot order; refuses a project without finals or with two finals for one shot. */
export async function orderedFinals(source: FinalsSource, projectId: string): Promise<FinalEntry[]> {
  const list = [...(await source.finals(projectId))].sort((a, b) => a.shotPosition - b.shotPosition);
  if (list.length === 0) {
    throw new AppError('VALIDATION', `Project ${projectId} has no finals yet: shortlist takes and finalize them first.`, { field: 'project', projectId });
  }
  for (let i = 1; i < list.length; i++) {
    if (list[i]!.shotPosition === list[i - 1]!.shotPosition) {
      throw new AppError('CONFLICT', `Shot ${list[i]!.shotPosition} has more than one final (${list[i - 1]!.takeId}, ${list[i]!.takeId}); keep one per shot.`, {
        field: 'project',
        shotPosition: list[i]!.shotPosition,
      });
    }
  }
  return list;
}

/** `circletake stitch --project P --out FILE` in core. */
export async function stitchProject(deps: { finals: FinalsSource; stitcher: Stitcher }, projectId: string, outFile: string, opts: StitchOptions = {}): Promise<StitchResult> {
  const finals = await orderedFinals(deps.finals, projectId);
  return deps.stitcher.stitch(
    finals.map((f) => f.artifact),
    outFile,
    opts,
  );
}

/**
 * `circletake export --project P --to DIR` in core: stitches the finals into the export (unless
 * `withSequence` is false) and exports the takes, the sequence and the manifest, all or nothing.
 */
export async function exportProject(
  deps: { finals: FinalsSource; stitcher: Stitcher; exporter: Exporter; tmpDir: string },
  projectId: string,
  toDir: string,
  opts: { withSequence?: boolean; crossfadeSec?: number; signal?: AbortSignal; onProgress?: (fraction: number) => void; projectName?: string; withPrompts?: boolean } = {},
): Promise<ExportResult> {
  const finals = await orderedFinals(deps.finals, projectId);
  let stitched: StitchResult | null = null;
  const work = opts.withSequence === false ? null : await mkdtemp(join(deps.tmpDir, 'ct-sequence-'));
  try {
    if (work) {
      stitched = await deps.stitcher.stitch(
        finals.map((f) => f.artifact),
        join(work, 'sequence.mp4'),
        {
          ...(opts.crossfadeSec !== undefined ? { crossfadeSec: opts.crossfadeSec } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        },
      );
    }
    return await deps.exporter.exportRelease({
      projectId,
      ...(opts.projectName !== undefined ? { projectName: opts.projectName } : {}),
      withPrompts: opts.withPrompts === true,
      entries: finals,
      toDir,
      ...(stitched ? { stitched: { file: stitched.outFile } } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } finally {
    if (work) await rm(work, { recursive: true, force: true });
  }
}
