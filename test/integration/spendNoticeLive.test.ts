import { afterEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startStudio, type RunningStudio } from '../../electron/host/commands/studioServer';
import { needsOn, studioDatabase, testCoreOn } from '../support/coreOn';
import { rawRequest } from '../support/http';
import { describeWith } from '../support/needs';
import { tempDir } from '../support/tmp';

// Issue 18 item 3: a spend notice crossed in another process (a worker settling the member's job) reaches
// the open app of the member themselves and of those who watch the team's spend (a producer, an admin)
// through the studio server's events socket (PostgreSQL LISTEN/NOTIFY); never a reviewer's, nor another filmmaker's.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describeWith(needsOn('postgres'), 'a spend notice on every money-seeing member’s open app', () => {
  it('reaches the filmmaker and a producer, not a reviewer or another filmmaker, when another process crosses it', { timeout: 60_000 }, async () => {
    const databaseUrl = await studioDatabase();
    const dir = tempDir('ct-notice-live-');
    const studio: RunningStudio = await startStudio({ databaseUrl, dataDir: dir.dir });
    cleanups.push(() => dir.cleanup(), () => studio.close());
    const post = async (name: string, body: unknown, token: string) => {
      const r = await rawRequest(`${studio.host.url}rpc/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
      expect(r.status, r.body).toBe(200);
      return (r.json() as { value: Record<string, unknown> }).value;
    };
    const join = async (role: string, name: string) => {
      const { secret } = (await post('studio.invite', { role, name }, studio.adminToken)) as { secret: string };
      const r = await rawRequest(`${studio.host.url}rpc/studio.acceptInvite`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ secret }) });
      const v = (r.json() as { value: { token: string; member: { id: string } } }).value;
      return { token: v.token, memberId: v.member.id };
    };
    const fay = await join('filmmaker', 'Fay');
    const pat = await join('producer', 'Pat');
    const rey = await join('reviewer', 'Rey');
    const finn = await join('filmmaker', 'Finn');
    await post('credits.setNotifySettings', { notifyAt: [100] }, studio.adminToken);
    const heard = new Map<string, unknown[]>();
    for (const [who, token] of [['fay', fay.token], ['pat', pat.token], ['rey', rey.token], ['finn', finn.token]] as const) {
      const ws = new WebSocket(`${studio.host.url.replace(/^http/, 'ws')}events`, { headers: { authorization: `Bearer ${token}`, origin: studio.host.url.replace(/\/$/, '') } });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('unexpected-response', (_q, res) => reject(new Error(`events socket refused: ${res.statusCode}`)));
      });
      cleanups.push(() => ws.close());
      heard.set(who, []);
      ws.on('message', (m: Buffer) => {
        const msg = JSON.parse(m.toString()) as { event: string; payload: unknown };
        if (msg.event === 'credits.thresholdCrossed') heard.get(who)!.push(msg.payload);
      });
    }
    // Another process on the studio database settles Fay's job past her threshold.
    const worker = await testCoreOn('postgres', { databaseUrl });
    cleanups.push(() => worker.cleanup());
    const memberId = fay.memberId;
    const r = await worker.core.ledger.reserve({ id: 'r1', jobId: 'job_1', projectId: 'prj_x', userId: memberId, stage: 'generate', artifactClass: 'preview', amounts: { local: 120 } });
    await worker.core.ledger.capture(r.id, 120);
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && (heard.get('fay')!.length === 0 || heard.get('pat')!.length === 0)) await new Promise((res) => setTimeout(res, 25));
    const want = { userId: memberId, userName: 'Fay', threshold: 100, spent: 120 };
    expect(heard.get('fay')).toEqual([expect.objectContaining(want)]);
    expect(heard.get('pat')).toEqual([expect.objectContaining(want)]);
    await new Promise((res) => setTimeout(res, 300)); // the reviewer's socket had as long as the others', and more
    expect(heard.get('rey')).toEqual([]);
    // Another filmmaker is told of their own spend only: Fay's crossing is hers (and the producer's, an admin's).
    expect(heard.get('finn')).toEqual([]);
  });
});
