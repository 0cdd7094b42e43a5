import { expect, it } from 'vitest';
import { describeEachEngine } from '../../../test/support/engines';
import { constraintOf } from '../../core/db/engine/sqlEngine';
import { silentLogger } from '../../core/nodePorts';
import { IdempotencyKeys, type Begin } from './idempotencyKeys';

// The studio's idempotency keys (migration 0900) on both engines: the first answer is kept and replayed,
// never run twice; another body under the key is refused naming the header; a call still running is
// "retry", one whose process stopped is "cut off, check"; keys are per caller and expire.

const clock = () => {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
};

const ran = (b: Begin): Extract<Begin, { kind: 'run' }> => {
  if (b.kind !== 'run') throw new Error(`expected to run, got ${JSON.stringify(b)}`);
  return b;
};

describeEachEngine('idempotency keys', (open) => {
  it('replays the first answer to a repeat, and refuses the same key with another body naming the header', async () => {
    const engine = await open();
    const c = clock();
    const keys = new IdempotencyKeys(engine, silentLogger, { now: c.now });
    const first = ran(await keys.begin('member:ana', 'k-1', 'jobs.submit', { projectName: 'A', noCache: true }));
    await first.finish(200, { ok: true, value: { jobId: 'job_1' } });
    // The same input in another key order is the same body.
    const again = await keys.begin('member:ana', 'k-1', 'jobs.submit', { noCache: true, projectName: 'A' });
    expect(again).toEqual({ kind: 'replay', status: 200, body: JSON.stringify({ ok: true, value: { jobId: 'job_1' } }) });
    // Another process on the same database (another IdempotencyKeys) replays it too.
    const other = new IdempotencyKeys(engine, silentLogger, { now: c.now });
    expect((await other.begin('member:ana', 'k-1', 'jobs.submit', { projectName: 'A', noCache: true })).kind).toBe('replay');
    const changed = await keys.begin('member:ana', 'k-1', 'jobs.submit', { projectName: 'B', noCache: true });
    expect(changed).toMatchObject({ kind: 'refused', error: { code: 'VALIDATION', details: { field: 'Idempotency-Key' }, message: expect.stringContaining('another body') } });
    const otherCall = await keys.begin('member:ana', 'k-1', 'projects.create', { name: 'A' });
    expect(otherCall).toMatchObject({ kind: 'refused', error: { code: 'VALIDATION', message: expect.stringContaining('another call (jobs.submit)') } });
    // The same key from another caller is another key.
    expect((await keys.begin('member:ben', 'k-1', 'jobs.submit', { projectName: 'B' })).kind).toBe('run');
  });

  it('tells a repeat to retry while the first still runs, and that it was cut off once its beats stop', async () => {
    const engine = await open();
    const c = clock();
    const keys = new IdempotencyKeys(engine, silentLogger, { now: c.now, beatMs: 60_000, staleMs: 30_000 });
    ran(await keys.begin('owner:me', 'k-2', 'projects.create', { name: 'X' }));
    const busy = await keys.begin('owner:me', 'k-2', 'projects.create', { name: 'X' });
    expect(busy).toMatchObject({ kind: 'refused', retryAfterSec: 60, error: { code: 'CONFLICT', details: { state: 'running' } } });
    c.advance(30_001); // the process that claimed it died: no beat since
    const cut = await keys.begin('owner:me', 'k-2', 'projects.create', { name: 'X' });
    expect(cut).toMatchObject({ kind: 'refused', error: { code: 'CONFLICT', details: { state: 'cut off' }, message: expect.stringContaining('may or may not have taken effect') } });
  });

  it('gives a key back when the call ran nothing, refuses a malformed key, and sweeps expired keys', async () => {
    const engine = await open();
    const c = clock();
    const keys = new IdempotencyKeys(engine, silentLogger, { now: c.now, ttlMs: 1000 });
    await ran(await keys.begin('owner:me', 'k-3', 'projects.create', { name: 'X' })).release();
    const again = ran(await keys.begin('owner:me', 'k-3', 'projects.create', { name: 'X' }));
    await again.finish(200, { ok: true });
    expect(await keys.begin('owner:me', 'bad key!', 'projects.create', {})).toMatchObject({ kind: 'refused', error: { code: 'VALIDATION', details: { field: 'Idempotency-Key' } } });
    c.advance(1000);
    // Expired, not swept yet: the key is free again (for any body).
    expect((await keys.begin('owner:me', 'k-3', 'projects.create', { name: 'Y' })).kind).toBe('run');
    c.advance(1000);
    expect(await keys.sweep()).toBe(1);
    expect(await engine.get('SELECT count(*) AS n FROM idempotency_keys')).toEqual({ n: 0 });
  });

  it('keeps no answerless done row (the table refuses it)', async () => {
    const engine = await open();
    const e = await engine
      .run("INSERT INTO idempotency_keys (caller, idem_key, call_name, body_hash, state, owner, claimed_at, beat_at, expires_at) VALUES ('c','k','x','h','done','o',1,1,2)")
      .then(() => null, (err: unknown) => err);
    expect(constraintOf(e)).toBe('check');
  });
});
