import type { z } from 'zod';
import { type Draft, DraftValues, SaveDraft } from '../../../shared/contract/drafts';
import { AppError } from '../../../shared/errors';
import type { SqlEngine } from '../db/engine/sqlEngine';
import type { Clock } from '../ports';
import type { ProjectService } from '../projects/projectService';
import type { PromptVault } from '../security/promptVault';
import type { ShotService } from '../shots/shotService';
import { draftRepo as repo, type DraftRow } from './draftRepo';

/**
 * Drafts: the form as the user left it, per project and shot, so a tab change, a restart or another
 * door finds it again. The prompt fields are sealed at rest (PromptVault); the rest is plain JSON.
 */
export class DraftService {
  constructor(
    private readonly engine: SqlEngine,
    private readonly d: { projects: ProjectService; shots: ShotService; vault: PromptVault; clock: Clock },
  ) {}

  async list(projectId: string): Promise<Draft[]> {
    const live = new Set((await this.d.shots.list(projectId)).map((s) => s.id)); // NOT_FOUND for an unknown project
    // A draft of a deleted shot, or one an older or newer version stored differently, is left out.
    return (await repo.list(this.engine, projectId))
      .filter((r) => r.shot_key === '' || live.has(r.shot_key))
      .flatMap((r) => this.toDraft(r) ?? []);
  }

  async save(raw: z.input<typeof SaveDraft>): Promise<Draft> {
    const input = SaveDraft.parse(raw);
    await this.d.projects.get(input.projectId);
    if (input.shotId !== null && (await this.d.shots.get(input.shotId)).projectId !== input.projectId) {
      throw new AppError('VALIDATION', `shotId: shot ${input.shotId} belongs to another project.`, { field: 'shotId' });
    }
    const { prompt, negativePrompt, ...rest } = input.values;
    const row: DraftRow = {
      project_id: input.projectId,
      shot_key: input.shotId ?? '',
      new_shot_name: input.newShotName,
      values_json: JSON.stringify(rest),
      prompt_sealed: this.d.vault.seal({ prompt, negativePrompt }),
      updated_at: this.d.clock.now(),
    };
    await this.engine.tx((q) => repo.put(q, row));
    return { projectId: input.projectId, shotId: input.shotId, newShotName: input.newShotName, values: input.values, updatedAt: row.updated_at };
  }

  private toDraft(r: DraftRow): Draft | null {
    const sealed = this.d.vault.open(r.prompt_sealed);
    const values = DraftValues.safeParse({ ...(JSON.parse(r.values_json) as object), prompt: sealed.prompt, negativePrompt: sealed.negativePrompt ?? '' });
    if (!values.success) return null;
    return { projectId: r.project_id, shotId: r.shot_key === '' ? null : r.shot_key, newShotName: r.new_shot_name, values: values.data, updatedAt: r.updated_at };
  }
}
