// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { BenchmarkReport } from '../../../shared/contract/benchmarkTypes';
import type { CalibrationView, Forecast, ProjectThresholds, Recommendation, Report } from '../../../shared/contract/insightTypes';
import { renderWithStore } from '../../../test/support/renderApp';
import { sinceFor } from '../../store/slices/insightSlice';
import { InsightPanel } from './InsightPanel';

afterEach(cleanup);

const PROJECT = 'prj_insighttest0001';
const stages = (generate: number, exp = 0) => ({ generate, refine: 0, upscale: 0, export: exp, none: 0 });
const classes = (preview: number, release = 0) => ({ preview, release, none: 0 });

const report: Report = {
  asOf: '2026-11-23T12:00:00.000Z',
  since: '2026-11-21',
  until: '2026-11-24',
  projectId: null,
  spend: {
    credits: 130,
    byUser: [{ userId: 'mem_ana', name: 'Ana', credits: 130 }],
    byStage: stages(100, 30),
    byClass: classes(100, 30),
    byDay: [
      { day: '2026-11-21', credits: 0, byStage: stages(0), byClass: classes(0) },
      { day: '2026-11-22', credits: 150, byStage: stages(120, 30), byClass: classes(120, 30) },
      { day: '2026-11-23', credits: -20, byStage: stages(-20), byClass: classes(-20) },
    ],
    weeks: [{ weekStart: '2026-11-16', credits: 150, change: 0.5, isFlagged: true, isComplete: true }],
  },
  attempts: { total: 4, byStatus: { ok: 3, fail: 1 } },
  latency: [{ provider: 'local', model: 'gen4_turbo', status: 'ok', attempts: 3, p95QueueMs: 700_000, p95LatencyMs: 60_000, p95EndToEndMs: 760_000 }],
  exportFailures: { attempts: 2, failures: 1, rate: 0.5, worstWindow: { start: '2026-11-22T10:00:00.000Z', attempts: 2, failures: 1, rate: 0.5 } },
  rerender: { weeks: [{ weekStart: '2026-11-16', attempts: 6, shipped: 2, rate: 3, isFlagged: true }], last7Days: { weekStart: '2026-11-16', attempts: 6, shipped: 2, rate: 3, isFlagged: true } },
  estimates: [
    { provider: 'local', model: 'gen4_turbo', resolution: '1280:720', samples: 3, seconds: 15, estimated: 75, actual: 66, error: 0.1364, meanAbsError: 0.14, cardCreditsPerSecond: 5, learnedCreditsPerSecond: 4.4, fromBalance: 1, fromReported: 2 },
  ],
  yield: { keptTakes: 2, approvedFinals: 1, shippedAssets: 2, previewCredits: 100, totalCredits: 130, creditsPerKeptTake: 50, creditsPerApprovedFinal: 130, cacheHits: 1, creditsSaved: 25, refunded: 20 },
};

const recs: Recommendation[] = [
  { id: 'queue_stall', signal: 'Queue stalls iteration', threshold: 'p95 > 10 min', level: 'ok', isTriggered: false, samples: 30, minSamples: 20, sampleUnit: 'renders in working hours', evidence: 'All quiet.', figures: {}, action: 'Move heavy work to nightly.' },
  { id: 'export_failures', signal: 'Provider degraded on export', threshold: '> 5 %', level: 'watch', isTriggered: false, samples: 2, minSamples: 10, sampleUnit: 'release attempts in the worst 30 minutes', evidence: '1 of 2 failed.', figures: { worstWindowStart: '2026-11-22T14:00:00.000Z' }, action: 'Postpone exports.' },
  { id: 'rerender_rate', signal: 'Wasteful iteration', threshold: 'rate > 2.0', level: 'act', isTriggered: true, samples: 6, minSamples: 5, sampleUnit: 'assets shipped in the last 7 days', evidence: '18 renders for 6 shipped assets in the last 7 days: 3.00 per asset.', figures: {}, action: 'A cost bug: fix gating.' },
];

const group = (resolution: string, samples: number, factor: number | null) => ({ resolution, samples, cardCreditsPerSecond: 5, learnedCreditsPerSecond: factor === null ? null : 5 * factor, factor });
const calibration = (enabled: boolean): CalibrationView => ({
  minSamples: 3,
  entries: [
    { provider: 'local', model: 'gen4_turbo', overall: group('*', 3, 0.88), groups: [group('1280:720', 3, 0.88)], hasEnoughSamples: true, isEnabled: enabled, applied: enabled ? { overall: group('*', 3, 0.88), groups: [], since: '2026-11-23T12:00:00.000Z' } : null },
    { provider: 'local', model: 'gen4.5', overall: group('*', 1, 1.1), groups: [], hasEnoughSamples: false, isEnabled: false, applied: null },
  ],
});

const forecast: Forecast = {
  asOf: report.asOf,
  horizonDays: 30,
  planned: [{ label: 'Finalize the shortlist of Spot (1 take)', projectId: PROJECT, credits: 25, surfaces: { local: 25 } }],
  pools: [
    {
      pool: 'local:grant', surface: 'local', available: 9_870, reserved: 0, planned: 25, burnPerDay: 18.57, resetsAt: null, daysToHorizon: 30, fits: true, projectedLeft: 9_288, fitsAtPace: true, runsOutOn: null,
      burnDown: [
        { day: '2026-11-22', credits: 9_850, isProjected: false },
        { day: '2026-11-23', credits: 9_870, isProjected: false },
        { day: '2026-11-24', credits: 9_826, isProjected: true },
      ],
    },
  ],
  budgets: [],
};

const thresholds: ProjectThresholds = { projectId: PROJECT, projectName: 'Spot', thresholds: [], source: 'none', spent: 130, crossed: [] };

const bench = { id: 'bench_1', day: '2026-11-23', provider: 'local', plan: 'runway-api', model: 'gen4.5', findings: ['0 of 10 jobs failed (0 %).'], appliedAt: null,
  summary: { jobs: 10, failures: 0, refused: 0, failureRate: 0, seconds: 125, credits: 1500, effectiveCreditsPerSecond: 12, cardCreditsPerSecond: 12, p95LatencyMs: 2900, p95QueueMs: 0 },
  proposal: { plan: 'runway-api', baseFile: '/r/runway-api.yaml', targetFile: '/d/plans/runway-api.yaml', baseSha256: 'x', changes: [{ path: 'plan.version', from: 1, to: 2, why: 'w' }], diff: '--- a\n+++ b\n-  version: 1\n+  version: 2\n', text: '' },
} as unknown as BenchmarkReport;

function setup(role: 'owner' | 'filmmaker' = 'owner') {
  let enabled = false;
  let applied = false;
  const r = renderWithStore(<InsightPanel projectId={PROJECT} />, {
    'insight.report': () => report,
    'insight.recommendations': () => recs,
    'insight.forecast': () => forecast,
    'insight.calibration': () => calibration(enabled),
    'insight.setCalibration': ({ isEnabled }) => {
      enabled = isEnabled;
      return calibration(enabled);
    },
    'insight.thresholds': () => [thresholds],
    'insight.setThresholds': ({ thresholds: t }) => ({ ...thresholds, thresholds: t, source: 'set' as const }),
    'benchmark.list': () => [{ ...bench, appliedAt: applied ? '2026-11-23T12:01:00.000Z' : null }],
    'spend.usage': ({ by }) => ({ asOf: report.asOf, by, bucket: 'day', from: '2026-11-21', to: '2026-11-24', series: [], totals: { held: 0, posted: 0, refunded: 0, credits: 0, points: [] } }),
    'benchmark.apply': ({ id }) => {
      applied = true;
      return { id, plan: 'runway-api', file: '/d/plans/runway-api.yaml', version: 2, checkedAt: '2026-11-23' };
    },
  }, { selectedProjectId: PROJECT, role });
  return r;
}

describe('InsightPanel', () => {
  it('loads every figure for the range and shows the fired recommendations first, with evidence and action', async () => {
    const { transport } = setup();
    const recsRegion = await screen.findByRole('region', { name: /Recommendations/ });
    const items = within(recsRegion).getAllByRole('listitem');
    expect(items.map((li) => li.getAttribute('aria-label'))).toEqual(['Wasteful iteration: act', 'Provider degraded on export: watch, too little evidence to act', 'Queue stalls iteration: fine']);
    expect(items[0]!.textContent).toContain('→ A cost bug: fix gating.');
    expect(items[0]!.textContent).toContain('Evidence: 6 assets shipped in the last 7 days; acts on at least 5.');
    // Watch: the evidence and how little it is, the window's start in local time, no call to act.
    expect(items[1]!.textContent).toContain('Evidence: 2 release attempts in the worst 30 minutes; acts on at least 10.');
    expect(items[1]!.textContent).toContain(`The worst 30 minutes began ${new Date('2026-11-22T14:00:00.000Z').toLocaleString(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' })}.`);
    expect(items[1]!.textContent).not.toContain('Postpone exports');
    expect(items[2]!.textContent).not.toContain('Move heavy work');
    const reportCall = transport.calls.find((c) => c.name === 'insight.report')!;
    expect(reportCall.input).toEqual({ since: sinceFor(30, new Date()) });
    expect(screen.getByRole('img', { name: 'Credits per day by stage, Nov 21 to Nov 24: 130 credits in all' })).toBeTruthy();
    expect(screen.getByRole('img', { name: /^Weekly spend: week of 2026-11-16 150 \(moved more than 30 %\)/ })).toBeTruthy();
    expect(screen.getByRole('table', { name: 'p95 by model and status' }).textContent).toContain('11.7 min');
    expect(screen.getByRole('article', { name: 'Forecast for Simulated credits · grant' }).textContent).toContain('25 planned');
  });

  it('shows usage over time to a role that may read it (spend.usage), and not to a filmmaker', async () => {
    const owner = setup();
    const usage = await screen.findByRole('region', { name: 'Usage over time' });
    expect(await within(usage).findByText('No credits used from Nov 21 to Nov 23.', { selector: 'section[aria-labelledby="usage-by-member"] p' })).toBeTruthy();
    expect(owner.transport.callsOf('spend.usage')).toHaveLength(2);
    cleanup();
    const filmmaker = setup('filmmaker');
    await screen.findByRole('region', { name: /Recommendations/ });
    expect(screen.queryByRole('region', { name: 'Usage over time' })).toBeNull();
    expect(filmmaker.transport.callsOf('spend.usage')).toEqual([]);
  });

  it('splits by class, and narrows to this project', async () => {
    const { transport } = setup();
    await screen.findByRole('region', { name: /Recommendations/ });
    fireEvent.click(screen.getByRole('radio', { name: 'By class' }));
    expect(screen.getByRole('img', { name: /^Credits per day by class/ })).toBeTruthy();
    fireEvent.click(screen.getByRole('radio', { name: 'This project' }));
    await waitFor(() => expect(transport.calls.filter((c) => c.name === 'insight.report').at(-1)!.input).toMatchObject({ projectId: PROJECT }));
    fireEvent.click(within(screen.getByRole('radiogroup', { name: 'Range' })).getByRole('radio', { name: '7 days' }));
    await waitFor(() => expect(transport.calls.filter((c) => c.name === 'insight.report').at(-1)!.input).toEqual({ since: sinceFor(7, new Date()), projectId: PROJECT }));
  });

  it('switches a learned rate on only by the user, and not without enough samples', async () => {
    const { transport, store } = setup();
    const turbo = await screen.findByLabelText('Use the learned rate for local gen4_turbo');
    expect((screen.getByLabelText('Use the learned rate for local gen4.5') as HTMLInputElement).disabled).toBe(true);
    expect(transport.calls.some((c) => c.name === 'insight.setCalibration')).toBe(false);
    await act(async () => {
      fireEvent.click(turbo);
    });
    expect(transport.calls.find((c) => c.name === 'insight.setCalibration')!.input).toEqual({ provider: 'local', model: 'gen4_turbo', isEnabled: true });
    await waitFor(() => expect((turbo as HTMLInputElement).checked).toBe(true));
    expect(screen.getByText('applying ×0.88 since 2026-11-23')).toBeTruthy();
    expect(store.getState().notices.map((n) => n.text)).toContain('Estimates for gen4_turbo now use the learned rate.');
  });

  it('sets project thresholds, refusing anything but whole credits', async () => {
    const { transport, store } = setup();
    const input = await screen.findByLabelText("Notify when this project's spend passes (credits)");
    fireEvent.change(input, { target: { value: '400, nine hundred' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save thresholds' }));
    expect(store.getState().notices.map((n) => [n.kind, n.text])).toEqual([['error', 'Thresholds: whole numbers of credits above 0, separated by commas.']]);
    expect(transport.calls.some((c) => c.name === 'insight.setThresholds')).toBe(false);
    fireEvent.change(input, { target: { value: '400, 900' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Save thresholds' }));
    });
    expect(transport.calls.find((c) => c.name === 'insight.setThresholds')!.input).toEqual({ projectId: PROJECT, thresholds: [400, 900] });
  });

  it("shows the benchmark's diff and applies it on request", async () => {
    const { transport } = setup();
    const region = await screen.findByRole('region', { name: 'Quarterly benchmark' });
    expect(within(region).getByLabelText('Plan diff').textContent).toContain('+  version: 2');
    await act(async () => {
      fireEvent.click(within(region).getByRole('button', { name: 'Apply to plan runway-api' }));
    });
    expect(transport.calls.find((c) => c.name === 'benchmark.apply')!.input).toEqual({ id: 'bench_1' });
    await waitFor(() => expect(within(region).getByText('Applied 2026-11-23.')).toBeTruthy());
  });
});
