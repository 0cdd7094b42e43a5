// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { FinalizePlan } from '../../../shared/contract/finalize';
import { PROJECT } from '../../../test/support/fakeBoard';
import { renderWithStore } from '../../../test/support/renderApp';
import { FinalizeDialog } from './FinalizeDialog';
import { mixedShapes, shapeOf } from './finalizeShapes';

const item = (n: number, shotName: string, ratio: string | null) => ({
  takeId: `tk_${String(n).padStart(12, '0')}`,
  shotId: `sht_${String(n).padStart(12, '0')}`,
  shotName,
  model: 'gen4_turbo',
  durationSec: 5,
  ratio,
  previewCredits: 25,
  releaseCredits: 60,
});
const plan = (items: FinalizePlan['items']): FinalizePlan => ({
  projectId: PROJECT.id,
  items,
  totalCredits: 60 * items.length,
  pools: { local: 60 * items.length },
  before: { local: 1_000 },
  after: { local: 1_000 - 60 * items.length },
  previewCredits: 25 * items.length,
  multiplier: 2.4,
  refusals: [],
  skipped: [],
  canRun: true,
});

describe('finalize shapes', () => {
  it('names each ratio by its shape and groups the shots only when they differ', () => {
    expect([shapeOf('1280:720'), shapeOf('1920:1080'), shapeOf('1584:672'), shapeOf(null), shapeOf('0:0')]).toEqual(['1.78:1', '1.78:1', '2.36:1', null, null]);
    expect(mixedShapes([item(1, 'Opening', '1280:720'), item(2, 'Ending', '1920:1080')])).toBeNull();
    expect(mixedShapes([item(1, 'Opening', '1280:720'), item(2, 'Vista', '1584:672'), item(3, 'Ending', '1280:720')])).toEqual([
      { shape: '1.78:1', shots: ['Opening', 'Ending'] },
      { shape: '2.36:1', shots: ['Vista'] },
    ]);
  });

  it('warns before a mixed batch is finalized, and says nothing for one shape', async () => {
    const mixed = renderWithStore(<FinalizeDialog onClose={() => undefined} />, { 'finalize.plan': () => plan([item(1, 'Opening', '1280:720'), item(2, 'Vista', '1584:672')]) }, { boardProjectId: PROJECT.id });
    const dialog = await screen.findByRole('dialog', { name: 'Finalize 2 takes' });
    expect(within(dialog).getByRole('alert').textContent).toMatch(/^Mixed shapes: 1\.78:1 \(Opening\); 2\.36:1 \(Vista\)\. The stitched sequence takes the first shot's frame/);
    expect(within(dialog).getAllByRole('row').map((r) => r.textContent)).toContain('Opening1.78:1gen4_turbo5 s2560');
    mixed.unmount();
    renderWithStore(<FinalizeDialog onClose={() => undefined} />, { 'finalize.plan': () => plan([item(1, 'Opening', '1280:720'), item(2, 'Ending', '1280:720')]) }, { boardProjectId: PROJECT.id });
    await screen.findByRole('dialog', { name: 'Finalize 2 takes' });
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
