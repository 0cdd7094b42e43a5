// The bare PostgreSQL floor of the pgqueue bench: per job, one transaction that writes the same number of
// rows, table by table, as the queue wrote (measured from pg_stat_user_tables), into plain tables of the
// same names with a text key, a job id, a payload and one index — no queue logic, no reads, no events.
import pg from 'pg';

export type TableRows = Map<string, { ins: number; upd: number; del: number }>;

export async function floorSchema(url: string, rows: TableRows): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (const t of rows.keys()) {
      await c.query(`CREATE TABLE "${t}" (id TEXT PRIMARY KEY, job_id TEXT NOT NULL, n INTEGER NOT NULL, payload TEXT, status TEXT NOT NULL)`);
      await c.query(`CREATE INDEX "${t}_job" ON "${t}" (job_id, n)`);
    }
  } finally {
    await c.end();
  }
}

let seq = 0;

/** n jobs on `connections` connections side by side, one transaction each; returns jobs/s. */
export async function floorRun(url: string, rows: TableRows, n: number, connections: number): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  // Fractional counts (a row every other job) are rounded per job from the running total.
  const plan = [...rows].map(([t, d]) => ({ t, ...d }));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      for (let i = next++; i < n; i = next++) {
        const job = `j${++seq}`;
        await c.query('BEGIN');
        for (const p of plan) {
          const ins = Math.round((i + 1) * p.ins) - Math.round(i * p.ins);
          const upd = Math.round((i + 1) * p.upd) - Math.round(i * p.upd);
          const del = Math.round((i + 1) * p.del) - Math.round(i * p.del);
          for (let k = 0; k < Math.max(ins, upd > 0 || del > 0 ? 1 : 0); k++) {
            await c.query(`INSERT INTO "${p.t}" (id, job_id, n, payload, status) VALUES ($1, $2, $3, $4, 'new')`, [`${job}_${k}`, job, k, 'x'.repeat(200)]);
          }
          for (let k = 0; k < upd; k++) await c.query(`UPDATE "${p.t}" SET status = $1 WHERE id = $2`, [`s${k}`, `${job}_0`]);
          for (let k = 0; k < del; k++) await c.query(`DELETE FROM "${p.t}" WHERE id = $1`, [`${job}_${k}`]);
        }
        await c.query('COMMIT');
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  await Promise.all(clients.map((c) => c.end()));
  return n / secs;
}
