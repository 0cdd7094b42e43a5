import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import type { LimitsView, WebhookDelivery } from '../../shared/money/limits';
import { CoreEvents } from '../../electron/core/coreEvents';
import type { Core } from '../../electron/core/createCore';
import { silentLogger } from '../../electron/core/nodePorts';
import { limitsRepo } from '../../electron/core/money/limitsRepo';
import { signBody, SpendWebhook, STALE_MS } from '../../electron/core/money/spendWebhook';
import { FakeClock } from '../support/core';
import { dbNeedsOn, ENGINES, testCoreOn, type EngineName } from '../support/coreOn';
import { callAs, joinAs } from '../support/members';
import { describeWith } from '../support/needs';

// Issue 18 item 3, spend notices: thresholds an admin sets (per member, or the studio's default over the
// plan's), each crossing announced once per member, month and threshold — in the app (the event) and to a
// webhook: a real HTTP server on 127.0.0.1 that checks the signature, fails on purpose, or never answers.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A webhook receiver answering each request with the next status of `plan` (the last one repeats); 0 = never answer. */
async function receiver(plan: number[]): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      const status = plan[Math.min(got.length - 1, plan.length - 1)]!;
      if (status === 0) hanging.push(res);
      else res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(async () => {
    for (const h of hanging) h.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/spend?token=abc`, got };
}

const SECRET = 'a-secret-of-sixteen+';

async function setup(engine: EngineName) {
  const clock = new FakeClock(Date.parse('2026-11-22T10:00:00Z'));
  const t = await testCoreOn(engine, { clock });
  cleanups.push(t.cleanup);
  const core = t.core;
  const fay = await joinAs(core, 'filmmaker', 'Fay');
  const ben = await joinAs(core, 'filmmaker', 'Ben');
  const ada = await joinAs(core, 'admin', 'Ada');
  let n = 0;
  const spend = async (userId: string, credits: number) => {
    const r = await core.ledger.reserve({ id: `r${++n}`, jobId: `job_${n}`, projectId: 'prj_x', userId, stage: 'generate', artifactClass: 'preview', amounts: { local: credits } });
    await core.ledger.capture(r.id, credits);
  };
  return { core, clock, fay, ben, ada, spend };
}

const deliveries = (core: Core) => callAs<WebhookDelivery[]>(core, 'credits.webhookDeliveries', {}, { role: 'owner', door: 'cli' });

for (const engine of ENGINES) describeWith(dbNeedsOn(engine), `spend notices · ${engine}`, () => {
  it("announces each crossing of an admin's thresholds once, in the app and to the signed webhook; the secret is never read back", async () => {
    const { core, fay, ben, ada, spend } = await setup(engine);
    const hook = await receiver([200]);
    const crossed: unknown[] = [];
    core.events.subscribe((name, p) => name === 'credits.thresholdCrossed' && crossed.push(p));
    await callAs(core, 'credits.setNotifySettings', { notifyAt: [500], webhook: { url: hook.url, secret: SECRET } }, ada);
    const view = await callAs<LimitsView>(core, 'credits.setNotifySettings', { userId: fay.memberId, notifyAt: [200, 100, 200] }, ada);
    expect(view.notify).toMatchObject({ defaultAt: [500], webhook: { url: hook.url, hasSecret: true, updatedBy: ada.memberId } });
    expect(JSON.stringify(view)).not.toContain(SECRET);
    expect(view.members.find((m) => m.userId === fay.memberId)?.notifyAt).toEqual([100, 200]);

    await spend(fay.memberId!, 120); // past 100
    await spend(fay.memberId!, 10); // nothing new
    await spend(fay.memberId!, 100); // past 200
    await spend(ben.memberId!, 120); // Ben follows the studio default (500): nothing
    await core.spendWebhook.settled();
    expect(crossed).toEqual([
      { userId: fay.memberId, userName: 'Fay', period: '2026-11', threshold: 100, spent: 120 },
      { userId: fay.memberId, userName: 'Fay', period: '2026-11', threshold: 200, spent: 230 },
    ]);
    expect(hook.got).toHaveLength(2);
    for (const r of hook.got) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-circletake-signature']).toBe(signBody(SECRET, r.body));
      expect(r.headers['x-circletake-event']).toBe('credits.thresholdCrossed');
    }
    expect(JSON.parse(hook.got[0]!.body)).toMatchObject({ event: 'credits.thresholdCrossed', userId: fay.memberId, userName: 'Fay', period: '2026-11', threshold: 100, spent: 120 });
    const sent = (await deliveries(core)).sort((a, b) => a.threshold - b.threshold); // one clock tick: created at the same instant
    expect(sent.map((d) => [d.threshold, d.state, d.attempts, d.lastStatus, d.target])).toEqual([
      [100, 'delivered', 1, 200, new URL(hook.url).origin],
      [200, 'delivered', 1, 200, new URL(hook.url).origin],
    ]);

    // Fay's own thresholds cleared: the studio default (500) applies; crossing it notifies once more.
    await callAs(core, 'credits.setNotifySettings', { userId: 'Fay', notifyAt: null }, ada);
    await spend(fay.memberId!, 300);
    await spend(fay.memberId!, 1);
    await core.spendWebhook.settled();
    expect(crossed.map((c) => (c as { threshold: number }).threshold)).toEqual([100, 200, 500]);
    expect(hook.got).toHaveLength(3);
    // A bad webhook is refused naming the field; the one set stays.
    const bad = await core.dispatch('credits.setNotifySettings', { webhook: { url: 'ftp://example.com/x', secret: SECRET } }, ada);
    expect(bad.ok ? null : bad.error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('webhook.url') });
    const noSecret = await core.dispatch('credits.setNotifySettings', { webhook: { url: 'https://example.com/x', secret: 'short' } }, ada);
    expect(noSecret.ok ? null : noSecret.error.message).toContain('webhook.secret');
    expect((await callAs<LimitsView>(core, 'credits.limits', {}, ada)).notify.webhook?.url).toBe(hook.url);
  });

  it('retries a failing webhook a bounded number of times and records each delivery: delivered after a 503, failed on 404 at once, failed after no answer', async () => {
    const { core, ada } = await setup(engine);
    const events = new CoreEvents(silentLogger, false);
    const sender = new SpendWebhook({ engine: core.engine, events, limits: core.limits, clock: core.ports.clock, ids: core.ports.ids, logger: silentLogger, timeoutMs: 300, maxAttempts: 3, backoffMs: [10, 20] });
    cleanups.push(async () => {
      sender.dispose();
      await sender.settled();
    });
    const notice = (threshold: number) => ({ userId: 'mem_x', userName: 'X', period: '2026-11', threshold, spent: threshold + 1 });
    const setHook = (url: string) => callAs(core, 'credits.setNotifySettings', { webhook: { url, secret: SECRET } }, ada);

    const flaky = await receiver([503, 200]);
    await setHook(flaky.url);
    events.emit('credits.thresholdCrossed', notice(100));
    events.emit('credits.thresholdCrossed', notice(100)); // the same notice again: never sent twice
    await sender.settled();
    expect(flaky.got).toHaveLength(2);
    expect(flaky.got[1]!.body).toBe(flaky.got[0]!.body);
    expect(flaky.got[1]!.headers['x-circletake-signature']).toBe(signBody(SECRET, flaky.got[1]!.body));

    const gone = await receiver([404]);
    await setHook(gone.url); // a new URL keeps nothing of the old but the secret, given again here
    sender.send(notice(200));
    await sender.settled();
    expect(gone.got).toHaveLength(1);

    const down = await receiver([500]);
    await setHook(down.url);
    sender.send(notice(300));
    await sender.settled();
    expect(down.got).toHaveLength(3);

    const silent = await receiver([0]);
    await setHook(silent.url);
    sender.send(notice(400));
    await sender.settled();
    expect(silent.got).toHaveLength(3);

    const byThreshold = new Map((await deliveries(core)).map((d) => [d.threshold, [d.state, d.attempts, d.lastStatus, d.lastError]]));
    expect(byThreshold.get(100)).toEqual(['delivered', 2, 200, null]);
    expect(byThreshold.get(200)).toEqual(['failed', 1, 404, 'answered 404']);
    expect(byThreshold.get(300)).toEqual(['failed', 3, 500, 'answered 500']);
    expect(byThreshold.get(400)).toEqual(['failed', 3, null, 'no answer within 300 ms']);
  });

  it('takes over a send its process was cut off from, once, with the same body; never to another webhook; a live one is left alone', async () => {
    const { core, clock, ada } = await setup(engine);
    const hook = await receiver([200]);
    await callAs(core, 'credits.setNotifySettings', { webhook: { url: hook.url, secret: SECRET } }, ada);
    const at = (ms: number) => new Date(clock.now() - ms).toISOString();
    const row = (id: string, threshold: number, target: string, updated: string) => ({
      id, user_id: 'mem_x', period: '2026-11', threshold, spent: threshold + 5, target, state: 'pending' as const, attempts: 1,
      last_status: null, last_error: 'could not connect', created_at: at(STALE_MS * 3), updated_at: updated,
    });
    const origin = new URL(hook.url).origin;
    await limitsRepo.insertDelivery(core.engine, row('whd_cut', 100, origin, at(STALE_MS * 2)));
    await limitsRepo.insertDelivery(core.engine, row('whd_elsewhere', 200, 'https://old.example.com', at(STALE_MS * 2)));
    await limitsRepo.insertDelivery(core.engine, row('whd_live', 300, origin, at(1000)));
    // Two processes open at once: one takes each stale send.
    const opened = [1, 2].map(() => new SpendWebhook({ engine: core.engine, events: new CoreEvents(silentLogger, false), limits: core.limits, clock, ids: core.ports.ids, logger: silentLogger, backoffMs: [10] }));
    for (const w of opened) {
      await w.settled();
      w.dispose();
    }
    expect(hook.got).toHaveLength(1);
    expect(JSON.parse(hook.got[0]!.body)).toEqual({ event: 'credits.thresholdCrossed', deliveryId: 'whd_cut', userId: 'mem_x', userName: null, period: '2026-11', threshold: 100, spent: 105, at: at(STALE_MS * 3) });
    expect(hook.got[0]!.headers['x-circletake-signature']).toBe(signBody(SECRET, hook.got[0]!.body));
    const byId = new Map((await deliveries(core)).map((d) => [d.id, [d.state, d.attempts, d.lastError]]));
    expect(byId.get('whd_cut')).toEqual(['delivered', 2, null]);
    expect(byId.get('whd_elsewhere')).toEqual(['failed', 1, 'the webhook changed before this notice was sent']);
    expect(byId.get('whd_live')).toEqual(['pending', 1, 'could not connect']);
  });
});
