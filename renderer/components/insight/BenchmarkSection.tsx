import type { BenchmarkReport } from '../../../shared/contract/benchmarkTypes';
import { useAppStore } from '../../store';
import { can } from '../../store/access';
import { errorText } from '../errorText';
import { fmtCredits } from '../format';
import { duration, pct } from './insightFormat';

/** The quarterly benchmark: the latest run's figures and findings, its plan-config diff, and Apply. */
export function BenchmarkSection({ runs }: { runs: BenchmarkReport[] }) {
  const progress = useAppStore((s) => s.benchmarkProgress);
  const { runBenchmark, applyBenchmark, notify, loadInsight } = useAppStore((s) => s);
  // Running a benchmark and changing the plan are an admin's; a producer reads the runs.
  const mayRun = useAppStore((s) => can(s, 'benchmark.run'));
  const mayApply = useAppStore((s) => can(s, 'benchmark.apply'));
  const latest = runs[0] ?? null;
  const onRun = () =>
    runBenchmark().then(
      (r) => {
        notify('info', `Benchmark done: ${r.summary.effectiveCreditsPerSecond ?? '—'} credits/s, failure rate ${pct(r.summary.failureRate)}.`);
        return loadInsight();
      },
      (e: unknown) => notify('error', errorText(e)),
    );
  const onApply = (r: BenchmarkReport) =>
    applyBenchmark(r.id).then(
      () => notify('info', `Plan ${r.plan} updated: ${r.proposal.changes.length} change${r.proposal.changes.length === 1 ? '' : 's'} applied.`),
      (e: unknown) => notify('error', errorText(e)),
    );
  return (
    <section className="insight-card" aria-labelledby="bench-heading">
      <div className="card-head">
        <h3 id="bench-heading">Quarterly benchmark</h3>
        {mayRun && (
          <button type="button" onClick={() => void onRun()} disabled={progress !== null}>
            {progress ? `Running ${progress.done}/${progress.total}…` : 'Run benchmark (simulator)'}
          </button>
        )}
      </div>
      {!latest ? (
        <p className="muted">No benchmark yet. `circletake benchmark --provider runway --yes` measures the real provider.</p>
      ) : (
        <>
          <p>
            {latest.day} · {latest.provider}/{latest.model} · plan {latest.plan}: <strong>{latest.summary.effectiveCreditsPerSecond ?? '—'} credits/s</strong> (card{' '}
            {latest.summary.cardCreditsPerSecond ?? '—'}) over {latest.summary.seconds} s and {fmtCredits(latest.summary.credits)} credits · p95 latency {duration(latest.summary.p95LatencyMs)} · failure rate{' '}
            {pct(latest.summary.failureRate)}
          </p>
          <ul className="findings">
            {latest.findings.map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
          <details>
            <summary>Proposed change to {latest.proposal.targetFile.split(/[\\/]/).pop()}</summary>
            <pre className="diff" aria-label="Plan diff">
              {latest.proposal.diff.split('\n').map((l, i) => (
                <span key={i} className={l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : ''}>
                  {l}
                  {'\n'}
                </span>
              ))}
            </pre>
          </details>
          {latest.appliedAt ? (
            <p className="muted">Applied {latest.appliedAt.slice(0, 10)}.</p>
          ) : (
            mayApply && (
              <button type="button" className="primary" onClick={() => void onApply(latest)}>
                Apply to plan {latest.plan}
              </button>
            )
          )}
        </>
      )}
    </section>
  );
}
