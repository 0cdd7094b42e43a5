import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SharedLink } from '../../shared/contract/review';
import { rendererDir } from '../../electron/host/paths';
import { startHost, type RunningHost } from '../../electron/host/server';
import { seedJobQ, seedTakeQ } from '../support/boardSeed';
import { dbNeedsOn, ENGINES, suiteCoreOn, testCoreOn } from '../support/coreOn';
import { rawRequest } from '../support/http';
import { describeWith } from '../support/needs';

// "Share for review" (issue 15 item 5): a link made in the app works on every server on the data dir
// (here two hosts, each with its own core and connection), under the name it was made for, until it
// is revoked; then its calls fail and its sockets close on both. On both engines: the links, the takes and
// the change feed that carries the revocation (SQLite's file, or PostgreSQL's LISTEN/NOTIFY).

for (const engine of ENGINES) describeWith(dbNeedsOn(engine), `review links · ${engine}`, () => {
  let a: { host: RunningHost; cleanup: () => Promise<void> };
  let b: { host: RunningHost; cleanup: () => Promise<void> };
  const takeId = 'tk_share00001';

  beforeAll(async () => {
    const ta = await suiteCoreOn(engine);
    const tb = await testCoreOn(engine, { dataDir: ta.dataDir, ...(ta.databaseUrl ? { databaseUrl: ta.databaseUrl } : {}) });
    const projectId = (await ta.core.projects.create('Shared')).id;
    const shotId = (await ta.core.shots.create(projectId, 'Opening')).id;
    await seedJobQ(ta.core.engine, { id: 'job_share00001', projectId, shotId });
    await seedTakeQ(ta.core.engine, { id: takeId, jobId: 'job_share00001', projectId, shotId });
    a = { host: await startHost({ core: ta.core, rendererDir }), cleanup: ta.cleanup };
    b = { host: await startHost({ core: tb.core, rendererDir }), cleanup: async () => undefined };
    b.cleanup = tb.cleanup;
  });
  afterAll(async () => {
    await b.host.close();
    await a.host.close();
    await b.cleanup(); // the second core first: the first one's cleanup drops the studio database
    await a.cleanup();
  });

  const rpc = (host: RunningHost, name: string, input: unknown, token: string) =>
    rawRequest(`${host.url}rpc/${name}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(input) });

  function socket(host: RunningHost, token: string): Promise<{ closed: Promise<number> }> {
    const ws = new WebSocket(`${host.url.replace(/^http/, 'ws')}events`, { headers: { authorization: `Bearer ${token}`, origin: host.url.slice(0, -1) } });
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    return new Promise((resolve, reject) => ws.once('open', () => resolve({ closed })).once('error', reject));
  }

  describe('review links made in the app', () => {
    it('makes a link for the server it was asked on, with a QR code, shown once and listed after', async () => {
      const r = await rpc(a.host, 'review.share', { role: 'reviewer', name: 'Rita' }, a.host.ownerToken);
      expect(r.status).toBe(200);
      const shared = (r.json() as { value: SharedLink }).value;
      expect(shared.urls[0]).toMatch(new RegExp(`^${a.host.url}#token=[0-9a-f]{64}$`));
      expect(shared.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
      expect(shared.note).toMatch(/this machine only/);
      const list = (await rpc(b.host, 'review.links', {}, b.host.ownerToken)).json() as { value: { id: string; name: string; role: string }[] };
      expect(list.value).toEqual([expect.objectContaining({ id: shared.link.id, name: 'Rita', role: 'reviewer' })]);
      expect(JSON.stringify(list.value)).not.toMatch(/[0-9a-f]{64}/);
    });

    it('works on every server on the data dir under its name, then stops everywhere when revoked', async () => {
      const shared = ((await rpc(a.host, 'review.share', { role: 'reviewer', name: 'Vera' }, a.host.ownerToken)).json() as { value: SharedLink }).value;
      const token = /#token=([0-9a-f]{64})$/.exec(shared.urls[0]!)![1]!;
      for (const host of [a.host, b.host]) {
        const tag = (await rpc(host, 'tags.add', { takeIds: [takeId], tag: 'promising', author: 'Someone else' }, token)).json() as { value: { marks: { tags: { author: string }[] }[] } };
        expect(tag.value.marks[0]!.tags.map((t) => t.author)).toContain('Vera');
        // A reviewer link is a reviewer: no money, no making links.
        expect((await rpc(host, 'credits.balances', {}, token)).status).toBe(403);
        expect((await rpc(host, 'review.share', { role: 'producer', name: 'Vera' }, token)).status).toBe(403);
      }
      const onA = await socket(a.host, token);
      const onB = await socket(b.host, token);
      const revoked = await rpc(a.host, 'review.revoke', { id: shared.link.id }, a.host.ownerToken);
      expect(revoked.status).toBe(200);
      // Host A closes at once; host B hears the revocation through the change feed.
      expect(await onA.closed).toBe(1008);
      expect(await onB.closed).toBe(1008);
      for (const host of [a.host, b.host]) expect((await rpc(host, 'board.view', { projectId: 'prj_0000000000none' }, token)).status).toBe(401);
      const list = (await rpc(a.host, 'review.links', {}, a.host.ownerToken)).json() as { value: { id: string }[] };
      expect(list.value.map((l) => l.id)).not.toContain(shared.link.id);
    });

    it('refuses a bad request naming the field, and an unknown link by its id', async () => {
      const bad = (await rpc(a.host, 'review.share', { role: 'owner', name: '' }, a.host.ownerToken)).json() as { error: { code: string; message: string } };
      expect(bad.error.code).toBe('VALIDATION');
      expect(bad.error.message).toMatch(/role/);
      const gone = (await rpc(a.host, 'review.revoke', { id: 'rvl_0000000000none' }, a.host.ownerToken)).json() as { error: { code: string; message: string } };
      expect(gone.error).toMatchObject({ code: 'NOT_FOUND' });
    });
  });
});
