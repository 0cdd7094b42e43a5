// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { BenchmarkReport } from '../../../shared/contract/benchmarkTypes';
import type { Forecast, ProjectThresholds } from '../../../shared/contract/insightTypes';
import { renderWithStore } from '../../../test/support/renderApp';
import { BenchmarkSection } from './BenchmarkSection';
import { ForecastSection } from './ForecastSection';

// The Costs tab for a studio producer: it reads insight, but running a benchmark, applying one to the plan
// and setting a project's notice thresholds are an admin's calls — not offered, so nothing is refused.

afterEach(cleanup);

const PROJECT = 'prj_insightroles01';
const forecast: Forecast = { asOf: '2026-11-23T12:00:00.000Z', horizonDays: 30, planned: [], pools: [], budgets: [] };
const thresholds: ProjectThresholds = { projectId: PROJECT, projectName: 'Spot', thresholds: [500], source: 'set', spent: 130, crossed: [] };
const bench = {
  id: 'bench_1', day: '2026-11-23', provider: 'local', plan: 'runway-api', model: 'gen4.5', findings: [], appliedAt: null,
  summary: { jobs: 10, failures: 0, refused: 0, failureRate: 0, seconds: 125, credits: 1500, effectiveCreditsPerSecond: 12, cardCreditsPerSecond: 12, p95LatencyMs: 2900, p95QueueMs: 0 },
  proposal: { plan: 'runway-api', baseFile: '/r/runway-api.yaml', targetFile: '/d/plans/runway-api.yaml', baseSha256: 'x', changes: [], diff: '', text: '' },
} as unknown as BenchmarkReport;

const show = (role: 'owner' | 'producer') =>
  renderWithStore(
    <>
      <ForecastSection forecast={forecast} thresholds={thresholds} projectId={PROJECT} />
      <BenchmarkSection runs={[bench]} />
    </>,
    {},
    { role },
  );

describe('the Costs tab by role', () => {
  it('offers the owner the benchmark, its apply and the thresholds form', () => {
    show('owner');
    expect(screen.getByRole('button', { name: 'Run benchmark (simulator)' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Apply to plan runway-api' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Save thresholds' })).toBeTruthy();
  });

  it('shows a producer the runs and the thresholds, read-only', () => {
    show('producer');
    expect(screen.getByRole('heading', { name: 'Quarterly benchmark' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Run benchmark|Apply to plan|Save thresholds/ })).toBeNull();
    expect((screen.getByLabelText(/Notify when this project's spend passes/) as HTMLInputElement).readOnly).toBe(true);
  });
});
