import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoreStatus } from '../../shared/contract/system';
import { silentLogger } from '../core/nodePorts';
import { forkCore } from '../../test/support/forkCore';
import { tempDir } from '../../test/support/tmp';
import type { MainServices } from './coreClient';
import { SupervisedCore, type CoreProcessHandle } from './supervisedCore';

/**
 * Local mode's supervision with a real second process: the core (electron/utility/coreService) in a
 * Node child standing in for the utilityProcess, killed with SIGKILL mid-call. Main notices, fails the
 * call in flight with a clear error at once, tells the windows, restarts it once on the same data dir;
 * a second crash leaves it stopped. Quit disposes the core in its process, and a hung core is killed
 * after the bounded wait.
 */
const owner = { role: 'owner', door: 'electron' } as const;
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function start(opts: { pickFolder?: MainServices['pickFolder']; disposeTimeoutMs?: number; entries?: string[] } = {}) {
  const data = tempDir('ct-supervised-');
  const children: ChildProcess[] = [];
  const exits: string[] = [];
  const statuses: CoreStatus[] = [];
  const spawn = (): CoreProcessHandle => {
    const { child, handle } = forkCore(opts.entries?.[children.length]);
    children.push(child);
    return {
      ...handle,
      onExit: (cb) =>
        handle.onExit((why) => {
          exits.push(why);
          cb(why);
        }),
    };
  };
  const services: MainServices = {
    runwayKey: async () => null,
    pickFolder: opts.pickFolder ?? (async () => null),
    notify: () => undefined,
    progress: () => undefined,
  };
  const started = SupervisedCore.start({
    spawn,
    config: { dataDir: data.dir, appVersion: '0.0.0-test', isStrict: true, runwayKeyFromMain: true, hasDialogs: true, rendererDir: null, logLevel: 'info' },
    services,
    logger: silentLogger,
    ...(opts.disposeTimeoutMs ? { disposeTimeoutMs: opts.disposeTimeoutMs } : {}),
  }).then((t) => {
    t.onStatus((s) => statuses.push(s));
    return t;
  });
  cleanups.push(async () => {
    await (await started.catch(() => null))?.dispose();
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    data.cleanup();
  });
  return { started, data, exits, statuses, children };
}

describe('the supervised core process (a Node child standing in for the utilityProcess)', () => {
  it('a crash mid-call fails that call at once with a clear error, restarts the core once (calls meanwhile wait for it), and a second crash leaves it stopped', async () => {
    let pickerAsked = false;
    const s = start({
      pickFolder: () => {
        pickerAsked = true;
        return new Promise(() => undefined); // the user never answers: the call stays in flight
      },
    });
    const t = await s.started;
    const made = await t.call('projects.create', { name: 'Before the crash' }, owner);
    expect(made).toMatchObject({ ok: true });

    const inFlight = t.call('system.pickFolder', { title: 'Export to' }, owner);
    await expect.poll(() => pickerAsked).toBe(true);
    const firstPid = (await t.pid())!;
    process.kill(firstPid, 'SIGKILL');
    const failed = await inFlight;
    expect(failed).toMatchObject({ ok: false, error: { code: 'DB_UNAVAILABLE' } });
    expect((failed as { error: { message: string } }).error.message).toContain('signal SIGKILL');

    // A call made while it restarts waits for the new process and is answered by it.
    await expect.poll(() => s.statuses.map((x) => x.state)).toContain('stopped');
    expect(await t.call('projects.create', { name: 'During the restart' }, owner)).toMatchObject({ ok: true, value: { name: 'During the restart' } });
    expect(s.statuses.map((x) => x.state)).toEqual(['stopped', 'restarted']);
    const secondPid = (await t.pid())!;
    expect(secondPid).not.toBe(firstPid);
    // The restarted core is on the same data dir: what was made before the crash is there.
    const list = await t.call('projects.list', {}, owner);
    expect((list as { value: { name: string }[] }).value.map((p) => p.name).sort()).toEqual(['Before the crash', 'During the restart']);

    process.kill(secondPid, 'SIGKILL');
    await expect.poll(() => s.statuses.map((x) => x.state), { timeout: 30_000 }).toEqual(['stopped', 'restarted', 'failed']);
    expect(s.statuses[2]!.message).toMatch(/stopped again .*not restarted/);
    expect(await t.call('projects.list', {}, owner)).toMatchObject({ ok: false, error: { code: 'DB_UNAVAILABLE' } });
    expect(s.children).toHaveLength(2);
  });

  it('a restart that dies before it is up is said once (failed), and calls answer the stopped error', async () => {
    // The second process is a module that does not exist: Node exits 1 before the core could say ready.
    const s = start({ entries: ['test/support/coreChild.ts', 'test/support/no-such-core-entry.ts'] });
    const t = await s.started;
    process.kill((await t.pid())!, 'SIGKILL');
    await expect.poll(() => s.statuses.map((x) => x.state), { timeout: 30_000 }).toEqual(['stopped', 'failed']);
    expect(s.statuses[1]!.message).toMatch(/could not be restarted \(exit code 1\)/);
    const r = await t.call('projects.list', {}, owner);
    expect(r).toMatchObject({ ok: false, error: { code: 'DB_UNAVAILABLE' } });
    await new Promise((r) => setTimeout(r, 200));
    expect(s.statuses).toHaveLength(2);
  });

  it('quit disposes the core in its process (it exits 0, the database closed); a hung core is killed after the bounded wait', async () => {
    const s = start();
    const t = await s.started;
    expect(await t.call('projects.create', { name: 'Kept' }, owner)).toMatchObject({ ok: true });
    await t.dispose();
    await expect.poll(() => s.exits).toEqual(['exit code 0']);
    expect(existsSync(join(s.data.dir, 'circletake.db-wal'))).toBe(false);
    expect(s.statuses).toEqual([]);

    const hung = start({ disposeTimeoutMs: 300 });
    const h = await hung.started;
    process.kill((await h.pid())!, 'SIGSTOP');
    await h.dispose();
    await expect.poll(() => hung.exits).toEqual(['signal SIGKILL']);
    expect(hung.statuses).toEqual([]);
  });
});
