import { execFile } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import type { Core } from '../../electron/core/createCore';
import { needsOn, studioDatabase, testCoreOn } from '../support/coreOn';
import { describeWith } from '../support/needs';
import { tempDir } from '../support/tmp';

// Live across processes on a studio's PostgreSQL: what one process does (another app, a CLI, a worker)
// reaches every other process's live listeners through LISTEN/NOTIFY on the change table, within a second.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function heardBy(core: Core) {
  const heard: { name: string; payload: unknown; at: number }[] = [];
  core.events.subscribeLive((name, payload) => heard.push({ name, payload, at: Date.now() }));
  return {
    heard,
    next: async (test: (h: (typeof heard)[number]) => boolean, what: string) => {
      for (let i = 0; i < 300; i++) {
        const found = heard.find(test);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`${what} not heard; heard ${heard.map((h) => h.name).join(', ')}`);
    },
  };
}

describeWith(needsOn('postgres'), 'live on a studio database (PostgreSQL)', () => {
  it("one member's change reaches another's core within a second, and a CLI process's too", async () => {
    const databaseUrl = await studioDatabase();
    const dir = tempDir('ct-livepg-');
    cleanups.push(async () => dir.cleanup());
    const a = await testCoreOn('postgres', { databaseUrl, dataDir: dir.dir });
    cleanups.push(a.cleanup);
    const b = await testCoreOn('postgres', { databaseUrl, dataDir: dir.dir });
    cleanups.push(b.cleanup);
    const onB = heardBy(b.core);
    await new Promise((r) => setTimeout(r, 100)); // B's listener session is open

    const t0 = Date.now();
    const made = await a.core.projects.create('Harbour');
    const heard = await onB.next((h) => h.name === 'projects.changed', "A's new project");
    expect(heard.at - t0).toBeLessThan(1000);
    await a.core.ledger.purchase({ id: 'buy-live', surface: 'api', credits: 1000 });
    await onB.next((h) => h.name === 'credits.changed', "A's purchase");

    // A separate process: the CLI on the same studio database.
    const t1 = Date.now();
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['bin/circletake.js', 'call', 'projects.rename', '--input', JSON.stringify({ id: made.id, name: 'Harbour at dusk' }), '--data-dir', dir.dir],
        { encoding: 'utf8', timeout: 60_000, env: { ...process.env, CIRCLETAKE_DATABASE_URL: databaseUrl } },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );
    expect(JSON.parse(out)).toMatchObject({ ok: true });
    const renamed = await onB.next((h) => h.name === 'projects.changed' && JSON.stringify(h.payload).includes('Harbour at dusk'), "the CLI's rename");
    expect(renamed.at).toBeGreaterThan(t1);
    expect((await b.core.projects.get(made.id)).name).toBe('Harbour at dusk');
  });
});
