import { spawn, spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Db } from '../../electron/core/db/db';
import { latestVersion } from '../../electron/core/db/migrate';
import { migrations } from '../../electron/core/db/migrations';
import { SqliteEngine } from '../../electron/core/db/engine/sqliteEngine';
import { systemClock } from '../../electron/core/nodePorts';
import { checkBooks } from '../../electron/core/studio/booksCheck';
import { importDesktop } from '../../electron/core/studio/desktopImport';
import { testCore, settleAll } from '../support/core';
import { openPostgres, pgNeed } from '../support/engines';
import { describeWith, ffmpegNeed } from '../support/needs';
import { tempDir } from '../support/tmp';
import { startS3 } from '../support/s3Server';
import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { GetObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';

// Moving a desktop into a studio (issue #16 item 6): every row copied into PostgreSQL once, the books
// balancing on both sides, a repeat a no-op, and the refusals that keep one set of books per studio.
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const owner = { role: 'owner', door: 'cli' } as const;

/** A desktop that has done a day's work: a job of two takes, a tag and a comment, then closed. */
async function desktop(projectName: string, opts: { run?: boolean } = {}): Promise<{ file: string }> {
  const t = testCore({ clock: systemClock, config: { pollIntervalMs: { local: 20 } } });
  cleanups.push(t.cleanup);
  const { core } = t;
  if (opts.run !== false) await core.queue.start();
  const sub = await core.dispatch(
    'jobs.submit',
    { params: { provider: 'local', model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'a kite over dunes', variations: 2 }, projectName, shotName: 'Open' },
    owner,
  );
  if (!sub.ok) throw new Error(sub.error.message);
  if (opts.run !== false) {
    await settleAll(core);
    const [take] = await core.takes.byJob((sub.value as { jobId: string }).jobId);
    expect((await core.dispatch('tags.add', { takeIds: [take!.id], tag: 'promising' }, owner)).ok).toBe(true);
    expect((await core.dispatch('comments.add', { takeId: take!.id, body: 'the kite dips at 0:01', atSec: 1 }, owner)).ok).toBe(true);
  }
  await core.dispose();
  return { file: `${t.dataDir}/circletake.db` };
}

function openDesktop(file: string): Db {
  const db = Db.open({ file, logger: { log() {} }, clock: systemClock });
  cleanups.push(() => db.dispose());
  return db;
}

/** Rows of a desktop's table, leaving out its own identity (money_settings.install_id stays home). */
const count = (db: Db, table: string) =>
  (db.conn.prepare(`SELECT count(*) AS n FROM ${table}${table === 'money_settings' ? " WHERE key <> 'install_id'" : ''}`).get() as { n: number }).n;

describeWith([ffmpegNeed, pgNeed], 'circletake studio import: a desktop moved into a studio database', () => {
  it('copies every row once, with the books balancing on both sides; a repeat copies nothing', async () => {
    const { file } = await desktop('Dunes');
    const source = openDesktop(file);
    const { engine } = await openPostgres();

    const report = await importDesktop({ source, target: engine, withLedger: true, now: Date.now() });
    expect(report.alreadyImported).toBe(false);
    expect(report.books).toMatchObject({ ok: true, problems: [] });
    for (const t of report.tables) {
      expect({ table: t.table, rows: t.rows }).toEqual({ table: t.table, rows: count(source, t.table) });
      expect((await engine.get<{ n: number }>(`SELECT count(*) AS n FROM ${t.table}`))?.n).toBe(t.rows);
    }
    for (const t of ['jobs', 'takes', 'ledger_entries', 'take_tags', 'take_comments']) expect(count(source, t)).toBeGreaterThan(0);
    // The same accounts with the same totals, and the same verdicts of the audit on both sides.
    const accounts = 'SELECT id, debits_posted, credits_posted, debits_pending, credits_pending FROM ledger_accounts ORDER BY id';
    expect(await engine.all(accounts)).toEqual(source.conn.prepare(accounts).all());
    expect(await checkBooks(engine)).toEqual(await checkBooks(new SqliteEngine(source.conn, file)));
    // Sealed prompts travel as they are: never as text.
    const sealed = await engine.get<{ prompt_sealed: Buffer }>('SELECT prompt_sealed FROM jobs LIMIT 1');
    expect(Buffer.isBuffer(sealed?.prompt_sealed)).toBe(true);
    expect(sealed!.prompt_sealed.toString('latin1')).not.toContain('kite');

    const again = await importDesktop({ source, target: engine, withLedger: true, now: Date.now() });
    expect(again).toMatchObject({ alreadyImported: true, importedAt: report.importedAt, sourceId: report.sourceId });
    expect((await engine.get<{ n: number }>('SELECT count(*) AS n FROM ledger_entries'))?.n).toBe(count(source, 'ledger_entries'));
  });

  it('keeps one set of books: a second desktop brings its work without its ledger, and a clashing project name is refused', async () => {
    const first = openDesktop((await desktop('Dunes')).file);
    const second = openDesktop((await desktop('Harbour')).file);
    const clash = openDesktop((await desktop('dunes')).file);
    const { engine } = await openPostgres();
    await importDesktop({ source: first, target: engine, withLedger: true, now: Date.now() });
    const entries = (await engine.get<{ n: number }>('SELECT count(*) AS n FROM ledger_entries'))!.n;

    await expect(importDesktop({ source: second, target: engine, withLedger: true, now: Date.now() })).rejects.toMatchObject({
      code: 'POLICY_REFUSED',
      details: { rule: 'one-set-of-books' },
      message: expect.stringContaining('--no-ledger'),
    });
    const work = await importDesktop({ source: second, target: engine, withLedger: false, now: Date.now() });
    expect(work.tables.map((t) => t.table)).not.toContain('ledger_entries');
    expect(await engine.all('SELECT name FROM projects ORDER BY name')).toEqual([{ name: 'Dunes' }, { name: 'Harbour' }]);
    expect((await engine.get<{ n: number }>('SELECT count(*) AS n FROM ledger_entries'))!.n).toBe(entries);
    expect((await checkBooks(engine)).ok).toBe(true);

    const takesBefore = (await engine.get<{ n: number }>('SELECT count(*) AS n FROM takes'))!.n;
    await expect(importDesktop({ source: clash, target: engine, withLedger: false, now: Date.now() })).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { field: 'projects', names: ['dunes'] },
    });
    expect((await engine.get<{ n: number }>('SELECT count(*) AS n FROM takes'))!.n).toBe(takesBefore);
  });

  it('refuses a desktop with jobs still in flight, or whose books do not balance, and copies nothing', async () => {
    const busy = openDesktop((await desktop('Queued', { run: false })).file);
    const { engine } = await openPostgres();
    await expect(importDesktop({ source: busy, target: engine, withLedger: true, now: Date.now() })).rejects.toMatchObject({
      code: 'POLICY_REFUSED',
      details: { rule: 'no-live-jobs', liveJobs: 1 },
    });
    const broken = openDesktop((await desktop('Broken')).file);
    broken.conn.prepare(`UPDATE ledger_accounts SET credits_posted = credits_posted + 5 WHERE kind <> 'system' AND credits_posted > 0`).run();
    await expect(importDesktop({ source: broken, target: engine, withLedger: true, now: Date.now() })).rejects.toMatchObject({
      code: 'POLICY_REFUSED',
      details: { rule: 'books-balance' },
    });
    expect(await engine.get('SELECT count(*) AS n FROM projects')).toEqual({ n: 0 });
  });

  it('is a CLI command: exit 0 with a report, a repeat says nothing was copied, bad flags and servers are answered in one line', async () => {
    const { file } = await desktop('Dunes');
    const { url } = await openPostgres();
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['bin/circletake.js', 'studio', ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, CIRCLETAKE_DATABASE_URL: '' } });
    const first = cli('import', '--from', dirname(file), '--database-url', url, '--json');
    expect(first.status).toBe(0);
    const report = JSON.parse(first.stdout) as { alreadyImported: boolean; books: { ok: boolean }; tables: { table: string; rows: number }[] };
    expect(report).toMatchObject({ ok: true, alreadyImported: false, books: { ok: true } });
    expect(report.tables.find((t) => t.table === 'takes')?.rows).toBe(2);
    const again = cli('import', '--from', dirname(file), '--database-url', url);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/was imported into .* nothing copied this time/);

    const noUrl = cli('import', '--from', dirname(file));
    expect([noUrl.status, noUrl.stderr.trim().split('\n').length]).toEqual([2, 1]);
    expect(noUrl.stderr).toContain('--database-url is required');
    const empty = tempDir('ct-notadesktop-');
    cleanups.push(empty.cleanup);
    const notDesktop = cli('import', '--from', empty.dir, '--database-url', url);
    expect([notDesktop.status, notDesktop.stderr.trim().split('\n').length]).toEqual([2, 1]);
    expect(notDesktop.stderr).toContain('is not a Circle Take data dir');
    const down = cli('import', '--from', dirname(file), '--database-url', 'postgres://studio:pw-secret-1@127.0.0.1:1/studio');
    expect([down.status, down.stderr.trim().split('\n').length]).toEqual([1, 1]);
    expect(down.stderr).toContain('Cannot reach PostgreSQL at 127.0.0.1:1/studio');
    expect(down.stderr + down.stdout).not.toContain('pw-secret-1');
  });

  it("shows in doctor: the desktop's SQLite, or the studio's PostgreSQL when CIRCLETAKE_DATABASE_URL names one (then every door runs on it)", async () => {
    const { url } = await openPostgres();
    const dir = tempDir('ct-doctor-');
    cleanups.push(dir.cleanup);
    const doctor = (databaseUrl: string | null) => {
      const env = { ...process.env };
      delete env.CIRCLETAKE_DATABASE_URL;
      return spawnSync(process.execPath, ['bin/circletake.js', 'doctor', '--json', '--data-dir', dir.dir], { encoding: 'utf8', timeout: 120_000, env: databaseUrl ? { ...env, CIRCLETAKE_DATABASE_URL: databaseUrl } : env });
    };
    const local = doctor(null);
    expect(local.status).toBe(0);
    expect(JSON.parse(local.stdout).database).toMatchObject({ engine: 'sqlite', serverVersion: expect.stringMatching(/^SQLite 3\./) });
    const good = doctor(url);
    expect(good.status).toBe(0);
    const report = JSON.parse(good.stdout) as { database: { engine: string; serverVersion: string }; studioDatabase: { engine: string; schemaVersion: number; appSchemaVersion: number; serverVersion: string } };
    expect(report.database).toMatchObject({ engine: 'postgres', serverVersion: expect.stringMatching(/^PostgreSQL \d+/), schemaVersion: latestVersion(migrations), where: expect.not.stringContaining('@') });
    expect(report.studioDatabase).toMatchObject({ engine: 'postgres', serverVersion: expect.stringMatching(/^PostgreSQL \d+/), schemaVersion: latestVersion(migrations), appSchemaVersion: latestVersion(migrations) });
    const bad = doctor('postgres://studio:pw-secret-2@127.0.0.1:1/studio');
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ studioDatabase: { where: '127.0.0.1:1/studio', error: expect.stringContaining('Cannot reach PostgreSQL') } });
    expect(bad.stdout + bad.stderr).not.toContain('pw-secret-2');
  });

  it('--media copies the clips into the studio bucket, verified and resumable; a repeat copies nothing; a changed file is left out', async () => {
    const { file } = await desktop('Dunes');
    const dataDir = dirname(file);
    const { url, engine } = await openPostgres();
    const s3 = await startS3();
    cleanups.push(() => s3.close());
    // Asynchronous: s3rver answers from this process, so it must not be blocked while the CLI runs.
    const run = (...extra: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
        const child = spawn(process.execPath, ['bin/circletake.js', 'studio', 'import', '--from', dataDir, '--database-url', url, '--json', ...extra], {
          env: { ...process.env, CIRCLETAKE_STORE_URL: '', AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
        child.on('close', (status) => {
          clearTimeout(timer);
          done({ status, stdout, stderr });
        });
      });
    const store = s3.url('studio');
    const media = (r: Awaited<ReturnType<typeof run>>) => (JSON.parse(r.stdout) as { media: { uploaded: number; alreadyThere: number; done: number; mismatched: string[] } }).media;

    const noStore = await run('--media');
    expect([noStore.status, noStore.stderr]).toEqual([2, expect.stringContaining('--store-url s3://')]);

    const first = await run('--media', '--store-url', store);
    expect(first.status).toBe(0);
    const artifacts = await engine.all<{ id: string; class: string; rel_path: string; sha256: string }>('SELECT id, class, rel_path, sha256 FROM artifacts ORDER BY id');
    expect(artifacts.length).toBeGreaterThanOrEqual(2);
    expect(media(first)).toMatchObject({ uploaded: artifacts.length, done: 0, mismatched: [] });
    for (const a of artifacts) {
      expect(a.rel_path).toBe(`${a.sha256}.mp4`);
      const obj = await s3.raw.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `studio/${a.class}/${a.rel_path}` }));
      const bytes = Buffer.from(await obj.Body!.transformToByteArray());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(a.sha256);
    }
    expect(media(await run('--media', '--store-url', store))).toMatchObject({ uploaded: 0, alreadyThere: 0, done: artifacts.length });

    // A run that stopped before pointing one row at the bucket, with that object lost: the next run redoes that one only.
    const desktopDb = openDesktop(file);
    const layout = (id: string) => (desktopDb.conn.prepare('SELECT rel_path FROM artifacts WHERE id = ?').pluck().get(id) as string);
    const [a, b] = artifacts;
    await engine.run('UPDATE artifacts SET rel_path = ? WHERE id = ?', [layout(a!.id), a!.id]);
    await s3.raw.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: `studio/${a!.class}/${a!.rel_path}` }));
    expect(media(await run('--media', '--store-url', store))).toMatchObject({ uploaded: 1, done: artifacts.length - 1 });

    // A clip whose file changed on the desktop after it was stored is reported and left out.
    await engine.run('UPDATE artifacts SET rel_path = ? WHERE id = ?', [layout(b!.id), b!.id]);
    await s3.raw.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: `studio/${b!.class}/${b!.rel_path}` }));
    appendFileSync(`${dataDir}/${b!.class}/${layout(b!.id)}`, 'changed');
    const changed = await run('--media', '--store-url', store);
    expect(changed.status).toBe(1);
    expect(media(changed).mismatched).toEqual([b!.id]);
    expect(changed.stderr).toContain('no longer match the sha256');
    expect(await engine.get('SELECT rel_path FROM artifacts WHERE id = ?', [b!.id])).toEqual({ rel_path: layout(b!.id) });
  });
});
