import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AppError } from '../../../shared/errors';
import type { PlanConfig } from '../../../shared/money/planSchema';
import type { SqlEngine } from '../db/engine/sqlEngine';
import type { Clock } from '../ports';
import type { ProjectService } from '../projects/projectService';
import { policyRepo as repo, type LabelRow } from './policyRepo';
import { SENSITIVITY, sensitiveInputRefusal, type LabeledInput, type Sensitivity } from './sensitivity';

/**
 * Sensitivity labels on a project's input assets, by content (sha256): set by the user, or read
 * from an import manifest. `checkSubmit` is the policy hook the job queue calls at submit.
 */
export interface AssetLabel {
  projectId: string;
  sha256: string;
  label: Sensitivity;
  source: 'user' | 'manifest';
  fileName: string;
  setAt: number;
}

const toLabel = (r: LabelRow): AssetLabel => ({ projectId: r.project_id, sha256: r.sha256, label: r.label, source: r.source, fileName: r.file_name, setAt: r.set_at });

/** An import manifest: the assets a delivery brings and their labels (paths relative to the manifest). */
export const LabelManifest = z
  .object({
    label: z.enum(SENSITIVITY).optional(),
    assets: z.array(z.object({ file: z.string().min(1).max(4096), label: z.enum(SENSITIVITY).optional() }).strict()).min(1, 'list at least one asset'),
  })
  .strict();

const MAX_HASHED_BYTES = 4 * 1024 * 1024 * 1024;

export class AssetLabels {
  constructor(private readonly d: { engine: SqlEngine; projects: ProjectService; clock: Clock; plan: () => PlanConfig }) {}

  async list(projectId: string): Promise<AssetLabel[]> {
    await this.d.projects.get(projectId);
    return (await repo.labels(this.d.engine, projectId)).map(toLabel);
  }

  /** Labels a file (by its content) in a project. */
  async set(projectId: string, file: string, label: Sensitivity, source: 'user' | 'manifest' = 'user', field = 'file'): Promise<AssetLabel> {
    await this.d.projects.get(projectId);
    const sha256 = hashFile(file, field);
    const row: LabelRow = { project_id: projectId, sha256, label, source, file_name: basename(file).slice(0, 255), set_at: this.d.clock.now() };
    await this.d.engine.tx((q) => repo.putLabel(q, row));
    return toLabel(row);
  }

  async remove(projectId: string, sha256: string): Promise<{ sha256: string }> {
    if ((await this.d.engine.tx((q) => repo.removeLabel(q, projectId, sha256))) === 0) {
      throw new AppError('NOT_FOUND', `No label on ${sha256.slice(0, 12)}… in this project. List the labels to see them.`, { field: 'sha256' });
    }
    return { sha256 };
  }

  /** Reads an import manifest (JSON or YAML) and labels every asset it lists, all or nothing. */
  async importManifest(projectId: string, manifestFile: string): Promise<AssetLabel[]> {
    await this.d.projects.get(projectId);
    if (!isAbsolute(manifestFile) || !existsSync(manifestFile)) {
      throw new AppError('VALIDATION', `manifestFile: no manifest at ${manifestFile} (give its absolute path).`, { field: 'manifestFile' });
    }
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(manifestFile, 'utf8'));
    } catch (e) {
      throw new AppError('VALIDATION', `manifestFile: ${manifestFile} is not JSON or YAML (${(e as Error).message.split('\n')[0]}).`, { field: 'manifestFile' });
    }
    const m = LabelManifest.safeParse(raw);
    if (!m.success) {
      const i = m.error.issues[0]!;
      throw new AppError('VALIDATION', `manifestFile: ${i.path.join('.') || '(top)'}: ${i.message} (in ${manifestFile}).`, { field: 'manifestFile', at: i.path.join('.') });
    }
    const planned = m.data.assets.map((a, n) => {
      const label = a.label ?? m.data.label;
      if (!label) throw new AppError('VALIDATION', `manifestFile: assets.${n}.label: give a label (or one for the whole manifest) in ${manifestFile}.`, { field: 'manifestFile', at: `assets.${n}.label` });
      return { file: resolve(dirname(manifestFile), a.file), label, n };
    });
    const hashed = planned.map((p) => ({ ...p, sha256: hashFile(p.file, `manifestFile: assets.${p.n}.file`) }));
    const at = this.d.clock.now();
    const rows = new Map<string, LabelRow>();
    for (const h of hashed) rows.set(h.sha256, { project_id: projectId, sha256: h.sha256, label: h.label, source: 'manifest', file_name: basename(h.file).slice(0, 255), set_at: at });
    await this.d.engine.tx(async (q) => {
      for (const r of rows.values()) await repo.putLabel(q, r);
    });
    return [...rows.values()].sort((a, b) => a.sha256.localeCompare(b.sha256)).map(toLabel);
  }

  /**
   * The submit-time policy hook (called by the job queue before anything is written). `inputs` are
   * the queue's input hashes: `sha256:<hex>` a prompt image, `source:<hex>` an imported clip.
   */
  async checkSubmit(o: { projectId: string | null; projectName: string | null; inputs: readonly string[] }): Promise<void> {
    const labeled: LabeledInput[] = [];
    for (const h of o.inputs) {
      const m = /^(sha256|source):([0-9a-f]{64})$/.exec(h);
      if (!m) continue;
      const field = m[1] === 'source' ? 'params.sourceFile' : 'params.promptImage';
      for (const r of await repo.labelsOfContent(this.d.engine, m[2]!)) labeled.push({ field, fileName: r.file_name, label: r.label });
    }
    if (labeled.length === 0) return;
    const project = o.projectId ? await this.d.projects.get(o.projectId) : null;
    const plan = this.d.plan();
    const refusal = sensitiveInputRefusal({
      inputs: labeled,
      project: { id: project?.id ?? null, name: project?.name ?? o.projectName ?? 'Untitled' },
      plan: { name: plan.plan.name, allowlist: plan.policy?.sensitive_allowlist ?? [] },
    });
    if (refusal) throw refusal;
  }
}

function hashFile(file: string, field: string): string {
  if (!isAbsolute(file) || !existsSync(file) || !statSync(file).isFile()) {
    throw new AppError('VALIDATION', `${field}: no file at ${file} (give the absolute path of the asset).`, { field: field.split(':')[0] });
  }
  if (statSync(file).size > MAX_HASHED_BYTES) throw new AppError('VALIDATION', `${field}: ${file} is larger than 4 GB.`, { field: field.split(':')[0] });
  const hash = createHash('sha256');
  const buf = Buffer.alloc(1024 * 1024);
  const fd = openSync(file, 'r');
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
