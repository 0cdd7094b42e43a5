import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AppError } from '../../../shared/errors';
import type { PlanConfig } from '../../../shared/money/planSchema';
import type { Db } from '../db/db';
import type { Clock } from '../ports';
import type { ProjectService } from '../projects/projectService';
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

interface Row {
  project_id: string;
  sha256: string;
  label: Sensitivity;
  source: 'user' | 'manifest';
  file_name: string;
  set_at: number;
}

const toLabel = (r: Row): AssetLabel => ({ projectId: r.project_id, sha256: r.sha256, label: r.label, source: r.source, fileName: r.file_name, setAt: r.set_at });

/** An import manifest: the assets a delivery brings and their labels (paths relative to the manifest). */
export const LabelManifest = z
  .object({
    label: z.enum(SENSITIVITY).optional(),
    assets: z.array(z.object({ file: z.string().min(1).max(4096), label: z.enum(SENSITIVITY).optional() }).strict()).min(1, 'list at least one asset'),
  })
  .strict();

const MAX_HASHED_BYTES = 4 * 1024 * 1024 * 1024;

export class AssetLabels {
  private readonly s;

  constructor(private readonly d: { db: Db; projects: ProjectService; clock: Clock; plan: () => PlanConfig }) {
    const c = d.db.conn;
    this.s = {
      upsert: c.prepare(
        `INSERT INTO asset_labels (project_id, sha256, label, source, file_name, set_at) VALUES (@projectId, @sha256, @label, @source, @fileName, @at)
         ON CONFLICT(project_id, sha256) DO UPDATE SET label = excluded.label, source = excluded.source, file_name = excluded.file_name, set_at = excluded.set_at`,
      ),
      remove: c.prepare<{ projectId: string; sha256: string }>(`DELETE FROM asset_labels WHERE project_id = @projectId AND sha256 = @sha256`),
      list: c.prepare<{ projectId: string }, Row>(`SELECT * FROM asset_labels WHERE project_id = @projectId ORDER BY set_at, sha256`),
      bySha: c.prepare<{ sha256: string }, Row>(`SELECT * FROM asset_labels WHERE sha256 = @sha256`),
    };
  }

  list(projectId: string): AssetLabel[] {
    this.d.projects.get(projectId);
    return this.s.list.all({ projectId }).map(toLabel);
  }

  /** Labels a file (by its content) in a project. */
  set(projectId: string, file: string, label: Sensitivity, source: 'user' | 'manifest' = 'user', field = 'file'): AssetLabel {
    this.d.projects.get(projectId);
    const sha256 = hashFile(file, field);
    this.s.upsert.run({ projectId, sha256, label, source, fileName: basename(file).slice(0, 255), at: this.d.clock.now() });
    return toLabel(this.s.list.all({ projectId }).find((r) => r.sha256 === sha256)!);
  }

  remove(projectId: string, sha256: string): { sha256: string } {
    if (this.s.remove.run({ projectId, sha256 }).changes === 0) {
      throw new AppError('NOT_FOUND', `No label on ${sha256.slice(0, 12)}… in this project. List the labels to see them.`, { field: 'sha256' });
    }
    return { sha256 };
  }

  /** Reads an import manifest (JSON or YAML) and labels every asset it lists, all or nothing. */
  importManifest(projectId: string, manifestFile: string): AssetLabel[] {
    this.d.projects.get(projectId);
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
    this.d.db.immediate(() => {
      for (const h of hashed) this.s.upsert.run({ projectId, sha256: h.sha256, label: h.label, source: 'manifest', fileName: basename(h.file).slice(0, 255), at });
    });
    const mine = new Set(hashed.map((h) => h.sha256));
    return this.s.list.all({ projectId }).filter((r) => mine.has(r.sha256)).map(toLabel);
  }

  /**
   * The submit-time policy hook (called by the job queue before anything is written). `inputs` are
   * the queue's input hashes: `sha256:<hex>` a prompt image, `source:<hex>` an imported clip.
   */
  checkSubmit(o: { projectId: string | null; projectName: string | null; inputs: readonly string[] }): void {
    const labeled: LabeledInput[] = [];
    for (const h of o.inputs) {
      const m = /^(sha256|source):([0-9a-f]{64})$/.exec(h);
      if (!m) continue;
      const field = m[1] === 'source' ? 'params.sourceFile' : 'params.promptImage';
      for (const r of this.s.bySha.all({ sha256: m[2]! })) labeled.push({ field, fileName: r.file_name, label: r.label });
    }
    if (labeled.length === 0) return;
    const project = o.projectId ? this.d.projects.get(o.projectId) : null;
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
