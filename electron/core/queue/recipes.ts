import type { DraftValues, Recipe } from '../../../shared/contract/drafts';
import { AppError } from '../../../shared/errors';
import type { GenerationParams } from '../../../shared/jobParams';
import { simulatorSeed } from '../providers/local/localProvider';
import type { PromptVault } from '../security/promptVault';
import type { TakeService } from '../takes/takeService';
import type { JobRepo } from './jobRepo';
import { openParams } from './jobParamsColumn';

/** A job's params as submitted: the clear settings plus the sealed prompt fields. */
export async function jobParams(repo: JobRepo, vault: PromptVault, jobId: string): Promise<GenerationParams> {
  const row = await repo.get(jobId);
  if (!row) throw new AppError('NOT_FOUND', `No job with id ${jobId}. \`circletake jobs\` lists them.`, { field: 'id', id: jobId });
  return openParams(row, vault);
}

/**
 * The seed that made variation n of a job: with a seed, seed + n (as the runner sends it); without,
 * the simulator's derived one, which is known; a remote provider's random one is not (undefined).
 */
export function takeSeed(params: GenerationParams, jobId: string, n: number): number | undefined {
  if (params.seed !== undefined) return (params.seed + n) % 4294967296;
  return params.provider === 'local' ? simulatorSeed(jobId, n) : undefined;
}

function toValues(p: GenerationParams, seed: number | undefined, variations: number, sourceTakeId: string | null): DraftValues {
  if (p.provider === 'import') throw new AppError('VALIDATION', 'id: an imported clip was made elsewhere; it has no recipe to reuse.', { field: 'id' });
  return {
    provider: p.provider,
    model: p.model,
    prompt: p.prompt,
    negativePrompt: p.negativePrompt ?? '',
    seed: seed === undefined ? '' : String(seed),
    durationSec: p.durationSec ?? null,
    ratio: p.ratio ?? '',
    variations,
    audio: p.audio,
    artifactClass: p.artifactClass,
    outputFormat: p.outputFormat ?? null,
    sourceTakeId,
  };
}

/** InvokeAI's recall: a take's or a job's settings as a draft for the form. */
export class Recipes {
  constructor(private readonly d: { repo: JobRepo; vault: PromptVault; takes: TakeService }) {}

  /** The take's own prompt, seed and settings, one variation, stacked on the take (a preview reuse). */
  async ofTake(takeId: string): Promise<Recipe> {
    const t = await this.d.takes.get(takeId);
    const p = await jobParams(this.d.repo, this.d.vault, t.jobId);
    // A release re-render stacks on the preview it re-renders, as a preview again (cheap to iterate).
    const source = t.artifactClass === 'release' && t.sourceTakeId ? t.sourceTakeId : t.id;
    return { projectId: t.projectId, shotId: t.shotId, values: { ...toValues(p, takeSeed(p, t.jobId, t.n), 1, source), artifactClass: 'preview' } };
  }

  /** The job's settings as submitted (edit & retry), stacked on what the job itself stacked on. */
  async ofJob(jobId: string): Promise<Recipe> {
    const row = await this.d.repo.get(jobId);
    if (!row) throw new AppError('NOT_FOUND', `No job with id ${jobId}. \`circletake jobs\` lists them.`, { field: 'id', id: jobId });
    const p = openParams(row, this.d.vault);
    return { projectId: row.project_id, shotId: row.shot_id, values: toValues(p, p.seed, p.variations, row.source_take_id) };
  }
}
