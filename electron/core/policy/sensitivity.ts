import { SensitivityLabel } from '../../../shared/contract/labels';
import { AppError } from '../../../shared/errors';

/**
 * Pure: whether a submit may use inputs with these sensitivity labels. Inputs labeled confidential
 * or restricted are refused unless the project is on the plan's `policy.sensitive_allowlist` (by
 * name, case-insensitively, or by id). The refusal names the input, its label and the allowlist,
 * and the two ways out.
 */
export const SENSITIVITY = SensitivityLabel.options;
export type Sensitivity = SensitivityLabel;
const RANK: Record<Sensitivity, number> = { public: 0, internal: 1, confidential: 2, restricted: 3 };

export const isSensitive = (l: Sensitivity): boolean => RANK[l] >= RANK.confidential;
export const labelTitle = (l: Sensitivity): string => l[0]!.toUpperCase() + l.slice(1);

export interface LabeledInput {
  /** The submit field the input came in (params.promptImage, params.sourceFile). */
  field: string;
  fileName: string;
  label: Sensitivity;
}

export function isAllowlisted(allowlist: readonly string[], project: { id: string | null; name: string }): boolean {
  const name = project.name.trim().toLowerCase();
  return allowlist.some((e) => e === project.id || e.trim().toLowerCase() === name);
}

export function sensitiveInputRefusal(o: {
  inputs: readonly LabeledInput[];
  project: { id: string | null; name: string };
  plan: { name: string; allowlist: readonly string[] };
}): AppError | null {
  const flagged = o.inputs.filter((i) => isSensitive(i.label)).sort((a, b) => RANK[b.label] - RANK[a.label]);
  const worst = flagged[0];
  if (!worst || isAllowlisted(o.plan.allowlist, o.project)) return null;
  const list = o.plan.allowlist.length === 0 ? 'which is empty' : `which lists ${o.plan.allowlist.map((e) => `"${e}"`).join(', ')}`;
  return new AppError(
    'POLICY_REFUSED',
    `${worst.field}: ${worst.fileName} is labeled ${labelTitle(worst.label)}, and project "${o.project.name}" is not on plan ${o.plan.name}'s allowlist for ` +
      `sensitive inputs (policy.sensitive_allowlist, ${list}). Add the project to that list in the plan file, or use an input that is not labeled Confidential or Restricted.`,
    {
      field: worst.field,
      rule: 'sensitive-input',
      label: worst.label,
      fileName: worst.fileName,
      plan: o.plan.name,
      allowlist: [...o.plan.allowlist],
      project: o.project.name,
    },
  );
}
