// Jobs and tasks written as the queue writes them, for the shared tier limits (electron/core/queue/sharedLimits.ts)
// on either engine: a project and a shot, jobs of a provider and model, and admissions that write the
// task's 'intent' row in the same transaction, as the queue's worker does.
import type { Queryable, SqlEngine, TxOptions } from '../../electron/core/db/engine/sqlEngine';
import { admit, type Admission, type Admitter, type AdmitRequest } from '../../electron/core/queue/sharedLimits';
import { seedJobQ } from './boardSeed';

export const LIMITS_PROJECT = 'prj_limits';
export const LIMITS_SHOT = 'sht_limits';

export async function limitsSeed(engine: SqlEngine): Promise<void> {
  await engine.tx(async (q) => {
    await q.run('INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [LIMITS_PROJECT, 'Limits', 't', 't']);
    await q.run('INSERT INTO shots (id, project_id, name, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING', [LIMITS_SHOT, LIMITS_PROJECT, 'Open', 1, 't', 't']);
  });
}

/** A running job of `provider`/`model` with one task row per status given (n = 0, 1, …). */
export async function limitsJob(engine: SqlEngine, id: string, o: { provider?: string; model?: string; tasks?: string[]; variations?: number } = {}): Promise<void> {
  await engine.tx((q) =>
    seedJobQ(q, {
      id,
      projectId: LIMITS_PROJECT,
      shotId: LIMITS_SHOT,
      provider: o.provider ?? 'runway',
      model: o.model ?? 'gen4_turbo',
      status: 'running',
      variations: o.variations ?? Math.max(1, o.tasks?.length ?? 1),
      tasks: (o.tasks ?? []).map((status) => ({ status })),
    }),
  );
}

export async function writeIntent(q: Queryable, key: { jobId: string; n: number }, now: number): Promise<void> {
  await q.run("INSERT INTO job_tasks (job_id, n, status, intent_at) VALUES (?, ?, 'intent', ?)", [key.jobId, key.n, now]);
}

/**
 * One worker's admission: admit, and when admitted write the task's intent row, in one transaction.
 * `admitter`: a data dir's own (localAdmitter) instead of the shared one. `holdMs` keeps the transaction open that long on PostgreSQL after the intent (pg_sleep, through the
 * transaction's own connection), so competing admissions really overlap.
 */
export async function admitTask(engine: SqlEngine, a: AdmitRequest, o: { holdMs?: number; tx?: TxOptions; admitter?: Admitter } = {}): Promise<Admission> {
  return engine.tx(
    async (q) => {
      const r = await (o.admitter ?? admit)(q, a);
      if (r.ok) {
        await writeIntent(q, a.taskKey, a.now);
        if (o.holdMs && engine.name === 'postgres') await q.get('SELECT pg_sleep(?)', [o.holdMs / 1000]);
      }
      return r;
    },
    o.tx ?? { isolation: 'lockRows' },
  );
}

/** The limit rows as stored (both tables), to compare before and after. */
export async function limitRows(engine: SqlEngine): Promise<unknown[]> {
  const buckets = await engine.all('SELECT provider, fill, refilled_at FROM rate_buckets ORDER BY provider');
  const slots = await engine.all('SELECT provider, model, admitted, admitted_at FROM model_slots ORDER BY provider, model');
  return [...buckets, ...slots];
}
