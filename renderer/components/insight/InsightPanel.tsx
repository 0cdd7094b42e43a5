import { useEffect, useRef } from 'react';
import { useAppStore } from '../../store';
import type { InsightScope } from '../../store/slices/insightSlice';
import { errorText } from '../errorText';
import { fmtTime } from '../format';
import { BenchmarkSection } from './BenchmarkSection';
import { EstimatesSection } from './EstimatesSection';
import { ForecastSection } from './ForecastSection';
import { RecommendationsList } from './RecommendationsList';
import { ReliabilitySection } from './ReliabilitySection';
import { SpendSection } from './SpendSection';
import { UsageSection } from './UsageSection';
import { can } from '../../store/access';
import './insight.css';

const RANGES: InsightScope['days'][] = [7, 30, 90];

/**
 * What it really costs: recommendations first, then the two dashboards that pay for themselves
 * (credits per day by stage and class; p95 queue time and latency, export failures), estimate vs
 * actual with calibration, the spend forecast with a burn-down per pool, and the quarterly benchmark.
 */
export function InsightPanel({ projectId }: { projectId: string }) {
  const scope = useAppStore((s) => s.insightScope);
  const report = useAppStore((s) => s.report);
  const recs = useAppStore((s) => s.recommendations);
  const forecast = useAppStore((s) => s.forecast);
  const calibration = useAppStore((s) => s.calibration);
  const thresholds = useAppStore((s) => s.thresholds);
  const benchmarks = useAppStore((s) => s.benchmarks);
  const isLoading = useAppStore((s) => s.isInsightLoading);
  const moneyMoved = useAppStore((s) => s.balances?.asOf);
  const { setInsightScope, loadInsight, notify } = useAppStore((s) => s);
  const isProject = scope.projectId !== null;
  const seesUsage = useAppStore((s) => can(s, 'spend.usage'));

  useEffect(() => {
    if (scope.projectId !== null && scope.projectId !== projectId) setInsightScope({ projectId });
  }, [projectId, scope.projectId, setInsightScope]);

  useEffect(() => {
    loadInsight().catch((e: unknown) => notify('error', errorText(e)));
  }, [scope, loadInsight, notify]);

  // Money moved (a job settled, credits bought): refresh, at most about once a second.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const t = setTimeout(() => loadInsight().catch((e: unknown) => notify('error', errorText(e))), 1000);
    return () => clearTimeout(t);
  }, [moneyMoved, loadInsight, notify]);

  return (
    <section className="panel insight" aria-labelledby="insight-heading">
      <header className="panel-head">
        <h2 id="insight-heading">What it really costs</h2>
        <div className="segmented" role="radiogroup" aria-label="Range">
          {RANGES.map((d) => (
            <button key={d} type="button" role="radio" aria-checked={scope.days === d} onClick={() => setInsightScope({ days: d })}>
              {d} days
            </button>
          ))}
        </div>
        <div className="segmented" role="radiogroup" aria-label="Projects">
          <button type="button" role="radio" aria-checked={!isProject} onClick={() => setInsightScope({ projectId: null })}>
            All projects
          </button>
          <button type="button" role="radio" aria-checked={isProject} onClick={() => setInsightScope({ projectId })}>
            This project
          </button>
        </div>
        <button type="button" className="ghost" onClick={() => void loadInsight().catch((e: unknown) => notify('error', errorText(e)))} disabled={isLoading}>
          {isLoading ? 'Loading…' : 'Refresh'}
        </button>
        {report && <span className="muted">as of {fmtTime(report.asOf)}</span>}
      </header>
      {!report ? (
        <p className="muted">Loading the figures…</p>
      ) : (
        <div className="insight-grid">
          <RecommendationsList items={recs} />
          <SpendSection report={report} />
          {seesUsage && <UsageSection />}
          <ReliabilitySection report={report} />
          <EstimatesSection report={report} calibration={calibration} />
          {forecast && <ForecastSection forecast={forecast} thresholds={thresholds} projectId={projectId} />}
          <BenchmarkSection runs={benchmarks} />
        </div>
      )}
    </section>
  );
}
