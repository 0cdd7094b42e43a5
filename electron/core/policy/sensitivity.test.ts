import { describe, expect, it } from 'vitest';
import { isAllowlisted, sensitiveInputRefusal, type LabeledInput } from './sensitivity';

const input = (label: LabeledInput['label'], fileName = 'a.png', field = 'params.promptImage'): LabeledInput => ({ field, fileName, label });
const plan = (allowlist: string[] = []) => ({ name: 'runway-pro', allowlist });

describe('sensitiveInputRefusal', () => {
  it('lets public, internal or no labels through', () => {
    expect(sensitiveInputRefusal({ inputs: [], project: { id: 'prj_1', name: 'X' }, plan: plan() })).toBeNull();
    expect(sensitiveInputRefusal({ inputs: [input('public'), input('internal')], project: { id: 'prj_1', name: 'X' }, plan: plan() })).toBeNull();
  });

  it('refuses confidential and restricted off the allowlist, naming the worst label, the field, the plan and the list', () => {
    const e = sensitiveInputRefusal({ inputs: [input('confidential', 'c.png'), input('restricted', 'r.mp4', 'params.sourceFile')], project: { id: 'prj_1', name: 'Spot' }, plan: plan(['Other']) });
    expect(e?.code).toBe('POLICY_REFUSED');
    expect(e?.message).toBe(
      `params.sourceFile: r.mp4 is labeled Restricted, and project "Spot" is not on plan runway-pro's allowlist for sensitive inputs (policy.sensitive_allowlist, which lists "Other"). ` +
        'Add the project to that list in the plan file, or use an input that is not labeled Confidential or Restricted.',
    );
    expect(e?.details).toEqual({ field: 'params.sourceFile', rule: 'sensitive-input', label: 'restricted', fileName: 'r.mp4', plan: 'runway-pro', allowlist: ['Other'], project: 'Spot' });
  });

  it('matches the allowlist by project id, or by name ignoring case and spaces around it', () => {
    expect(isAllowlisted(['prj_1'], { id: 'prj_1', name: 'Spot' })).toBe(true);
    expect(isAllowlisted([' spot '], { id: 'prj_1', name: 'Spot' })).toBe(true);
    expect(isAllowlisted(['Spot 2'], { id: 'prj_1', name: 'Spot' })).toBe(false);
    expect(isAllowlisted(['prj_1'], { id: null, name: 'prj_1x' })).toBe(false);
    expect(sensitiveInputRefusal({ inputs: [input('restricted')], project: { id: null, name: 'New one' }, plan: plan(['new one']) })).toBeNull();
  });
});
