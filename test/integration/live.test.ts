import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LocalCore as Core } from '../../electron/core/createCore';
import { rendererDir } from '../../electron/host/paths';
import { startHost, type RunningHost } from '../../electron/host/server';
import { seedJob, seedTake } from '../support/boardSeed';
import { testCore } from '../support/core';
import { nodeArgs } from '../support/nodeEntry';

// Live across processes (issue 15 item 5): what another process on the data dir does reaches the
// host's sockets through the change feed, filtered by role like the host's own events.

let host: RunningHost;
let core: Core;
let dataDir: string;
let cleanup: () => Promise<void>;
let projectId: string;
const takeId = 'tk_live000001';

beforeAll(async () => {
  const t = testCore();
  ({ core, dataDir, cleanup } = t);
  host = await startHost({ core, rendererDir });
  projectId = (await core.projects.create('Live')).id;
  const shotId = (await core.shots.create(projectId, 'Opening')).id;
  seedJob(core.db.conn, { id: 'job_live000001', projectId, shotId });
  seedTake(core.db.conn, { id: takeId, jobId: 'job_live000001', projectId, shotId });
});
afterAll(async () => {
  await host.close();
  await cleanup();
});

/** The messages a socket hears, and a wait for the first one matching. */
async function listen(token: string) {
  const ws = new WebSocket(`${host.url.replace(/^http/, 'ws')}events`, { headers: { authorization: `Bearer ${token}`, origin: host.url.slice(0, -1) } });
  const heard: { event: string; payload: Record<string, unknown> }[] = [];
  const waiters: { test: (m: (typeof heard)[number]) => boolean; resolve: (m: (typeof heard)[number]) => void }[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as (typeof heard)[number];
    heard.push(m);
    for (const w of waiters.splice(0)) {
      if (w.test(m)) w.resolve(m);
      else waiters.push(w);
    }
  });
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  return {
    heard,
    next: (test: (m: (typeof heard)[number]) => boolean) =>
      new Promise<(typeof heard)[number]>((resolve, reject) => {
        const found = heard.find(test);
        if (found) return resolve(found);
        waiters.push({ test, resolve });
        setTimeout(() => reject(new Error(`not heard; heard ${heard.map((h) => h.event).join(', ')}`)), 5000);
      }),
    close: () => ws.close(),
  };
}

/** Another process: its own core on the same data dir, one call, then exit. */
function otherProcess(name: string, input: unknown): Promise<{ ok: boolean; value?: unknown }> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [...nodeArgs('test/support/liveWorker.ts'), dataDir, name, JSON.stringify(input)], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      err && !stdout ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as { ok: boolean; value?: unknown }),
    ),
  );
}

describe('live across processes', () => {
  it('forwards another process’s tags, comments and new projects to the owner’s socket', async () => {
    const owner = await listen(host.ownerToken);
    const tagged = await otherProcess('tags.add', { takeIds: [takeId], tag: 'promising', author: 'Wendy' });
    expect(tagged.ok).toBe(true);
    const change = await owner.next((m) => m.event === 'board.changed');
    expect(change.payload).toMatchObject({ projectId, marks: [{ takeId, tags: [{ tag: 'promising', author: 'Wendy' }] }] });

    await otherProcess('comments.add', { takeId, body: 'the light at 0:02', author: 'Wendy' });
    const counted = await owner.next((m) => m.event === 'board.changed' && (m.payload.marks as { comments: number }[])[0]?.comments === 1);
    expect(counted.payload.projectId).toBe(projectId);

    await otherProcess('projects.create', { name: 'Made elsewhere' });
    const made = await owner.next((m) => m.event === 'projects.changed');
    expect(made.payload).toMatchObject({ kind: 'created', project: { name: 'Made elsewhere' } });
    owner.close();
  });

  it('filters what crosses by role: a reviewer hears the board, not the money', async () => {
    const reviewer = await listen(host.tokens.issue('reviewer', 'Rita'));
    const producer = await listen(host.tokens.issue('producer', 'Paul'));
    const granted = await otherProcess('credits.grant', { id: 'live-grant-1', pool: 'local:grant', credits: 500, reason: 'live test' });
    expect(granted.ok).toBe(true);
    await producer.next((m) => m.event === 'credits.changed');
    await otherProcess('tags.add', { takeIds: [takeId], tag: 'discard', author: 'Wendy' });
    await reviewer.next((m) => m.event === 'board.changed');
    // The tag was committed after the grant, so by now the reviewer has read past the grant too.
    expect(reviewer.heard.map((m) => m.event)).not.toContain('credits.changed');
    reviewer.close();
    producer.close();
  });

  it('sends this process’s changes to another process’s live listeners', async () => {
    const other = testCore({ dataDir });
    const heard: { name: string; payload: unknown }[] = [];
    const off = other.core.events.subscribeLive((name, payload) => heard.push({ name, payload }));
    const r = await core.dispatch('tags.add', { takeIds: [takeId], tag: 'needs-fix', author: 'Owen' }, { role: 'owner', door: 'host' });
    expect(r.ok).toBe(true);
    await expect.poll(() => heard.find((h) => h.name === 'board.changed'), { timeout: 5000 }).toMatchObject({ payload: { marks: [{ tags: expect.arrayContaining([expect.objectContaining({ author: 'Owen', tag: 'needs-fix' })]) }] } });
    // Its own local listeners (services) hear nothing from here: one notification per process's work.
    const local: string[] = [];
    const offLocal = other.core.events.subscribe((name) => local.push(name));
    await core.dispatch('tags.remove', { takeIds: [takeId], author: 'Owen' }, { role: 'owner', door: 'host' });
    await expect.poll(() => heard.filter((h) => h.name === 'board.changed').length, { timeout: 5000 }).toBe(2);
    expect(local).toEqual([]);
    offLocal();
    off();
    await other.cleanup();
  });
});
