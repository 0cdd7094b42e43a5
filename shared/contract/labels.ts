import { z } from 'zod';
import { mutation, query } from './define';
import { ProjectId } from './projects';

/**
 * Sensitivity labels on a project's input assets (prompt images, imported clips), by content. Inputs
 * labeled confidential or restricted are refused at submit unless the project is on the active plan's
 * `policy.sensitive_allowlist`. Paths name files on the owner's machine: owner calls only.
 */
export const SensitivityLabel = z.enum(['public', 'internal', 'confidential', 'restricted']);
export type SensitivityLabel = z.infer<typeof SensitivityLabel>;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 in lower-case hex');

export const AssetLabel = z.object({
  projectId: ProjectId,
  sha256: Sha256,
  label: SensitivityLabel,
  /** Set by the user, or read from an import manifest. */
  source: z.enum(['user', 'manifest']),
  fileName: z.string(),
  setAt: z.number().int(),
});
export type AssetLabelDto = z.infer<typeof AssetLabel>;

export const labelsCalls = {
  'labels.list': query(z.object({ projectId: ProjectId }).strict(), z.array(AssetLabel)),
  'labels.set': mutation(z.object({ projectId: ProjectId, file: z.string().min(1, 'name the asset file').max(4096), label: SensitivityLabel }).strict(), AssetLabel),
  'labels.remove': mutation(z.object({ projectId: ProjectId, sha256: Sha256 }).strict(), z.object({ sha256: Sha256 })),
  /** A manifest (JSON or YAML): `{ label?, assets: [{ file, label? }] }`, files relative to the manifest. */
  'labels.importManifest': mutation(z.object({ projectId: ProjectId, manifestFile: z.string().min(1, 'name the manifest file').max(4096) }).strict(), z.array(AssetLabel)),
} as const;
