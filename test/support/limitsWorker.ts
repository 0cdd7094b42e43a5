// A separate queue-worker process admitting tasks against the tier limits of a studio database (the
// cross-process test of electron/core/queue/sharedLimits.ts).
// Usage: node --import tsx test/support/limitsWorker.ts <postgres://…> <workerId> <count> <startAtMs> <now>
// At startAtMs it makes <count> admissions at once for each of two providers: 'runway' with at most 3
// tasks of gen4_turbo in flight (job 'job_conc'), and 'luma' with a bucket of 5 tokens (job 'job_rate');
// each admitted task writes its intent row in the same transaction, held open 30 ms so the workers overlap.
import { PgEngine } from '../../electron/core/db/engine/pgEngine';
import type { Admission } from '../../electron/core/queue/sharedLimits';
import { admitTask } from './limitsKit';

const [url, workerId, count, startAt, now] = process.argv.slice(2) as [string, string, string, string, string];
const engine = new PgEngine({ url, max: Number(count) * 2, applicationName: `limits-worker-${workerId}` });
const n = (i: number) => Number(workerId) * Number(count) + i;
while (Date.now() < Number(startAt)) await new Promise((r) => setTimeout(r, 2));
const firstAt = Date.now();
const one = (provider: 'runway' | 'luma', i: number): Promise<Admission> =>
  admitTask(
    engine,
    provider === 'runway'
      ? { provider, model: 'gen4_turbo', now: Number(now), perMinute: null, maxConcurrent: 3, taskKey: { jobId: 'job_conc', n: n(i) } }
      : { provider, model: 'ray2', now: Number(now), perMinute: 1, burst: 5, maxConcurrent: null, taskKey: { jobId: 'job_rate', n: n(i) } },
    { holdMs: 30 },
  );
const runs = Array.from({ length: Number(count) }, (_, i) => i);
const [conc, rate] = await Promise.all([Promise.all(runs.map((i) => one('runway', i))), Promise.all(runs.map((i) => one('luma', i)))]);
const lastAt = Date.now();
await engine.close();
const admitted = (rs: Admission[]) => rs.filter((r) => r.ok).length;
const refused = (rs: Admission[], reason: string) => rs.filter((r) => !r.ok && r.reason === reason).length;
process.stdout.write(
  `${JSON.stringify({ concOk: admitted(conc), concRefused: refused(conc, 'concurrency'), rateOk: admitted(rate), rateRefused: refused(rate, 'rate'), firstAt, lastAt })}\n`,
);
