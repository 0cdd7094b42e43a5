import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { ffmpegNeed, itWith } from '../support/needs';
import { tempDir } from '../support/tmp';

const bin = ['bin/circletake.js'];
const t = tempDir('ct-cli-');
afterAll(() => t.cleanup());
const cli = (...args: string[]) => spawnSync(process.execPath, [...bin, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('circletake CLI', () => {
  it('prints its version and help', () => {
    const v = cli('--version');
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const h = cli('--help');
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('serve');
    expect(h.stdout).toContain('doctor');
  });

  it('runs from the TypeScript sources through tsx as well as from the test run\'s bundle, with the same answers', () => {
    const env = { ...process.env };
    delete env.CIRCLETAKE_CLI_BUNDLE;
    const fromSources = spawnSync(process.execPath, [...bin, 'fly'], { encoding: 'utf8', timeout: 60_000, env });
    const fromBundle = cli('fly');
    expect(process.env.CIRCLETAKE_CLI_BUNDLE).toMatch(/circletake\.cjs$/);
    expect(fromSources.status).toBe(2);
    expect([fromBundle.status, fromBundle.stderr]).toEqual([fromSources.status, fromSources.stderr]);
    expect(spawnSync(process.execPath, [...bin, '--version'], { encoding: 'utf8', timeout: 60_000, env }).stdout).toBe(cli('--version').stdout);
  });

  it('keeps V8\'s code cache beside the bundle, and a damaged cache costs only its compile time', () => {
    // A copy beside the real bundle (its packages resolve from the same node_modules), so no other suite's CLI shares its cache.
    const real = process.env.CIRCLETAKE_CLI_BUNDLE!;
    const copy = join(dirname(real), `cache-test-${process.pid}.cjs`);
    copyFileSync(real, copy);
    try {
      const run = () => spawnSync(process.execPath, [...bin, 'plans', '--json'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, CIRCLETAKE_CLI_BUNDLE: copy } });
      const first = run();
      expect(first.status).toBe(0);
      const written = readFileSync(`${copy}.v8cache`);
      expect(written.length).toBeGreaterThan(10_000);
      const again = run();
      expect([again.status, again.stdout]).toEqual([0, first.stdout]);
      // Accepted, so left as it was.
      expect(readFileSync(`${copy}.v8cache`).equals(written)).toBe(true);
      // A package loaded lazily (the AWS SDK, for an S3 store) still loads from code read back from the cache.
      const lazy = spawnSync(process.execPath, [...bin, 'doctor', '--json', '--data-dir', t.dir, '--store-url', 's3://ct-cache-test/p?endpoint=http://127.0.0.1:9&region=us-east-1&pathStyle=1'], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, CIRCLETAKE_CLI_BUNDLE: copy, AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' },
      });
      const store = (JSON.parse(lazy.stdout) as { store: { ok: boolean; error?: string } }).store;
      expect(store.ok).toBe(false);
      expect(store.error).not.toMatch(/import/i);
      expect(store.error).toContain('127.0.0.1:9');
      writeFileSync(`${copy}.v8cache`, Buffer.alloc(4096, 7));
      const damaged = run();
      expect([damaged.status, damaged.stdout, damaged.stderr]).toEqual([0, first.stdout, '']);
      // Refused by V8, compiled afresh and written again.
      expect(readFileSync(`${copy}.v8cache`).length).toBeGreaterThan(10_000);
    } finally {
      rmSync(copy, { force: true });
      rmSync(`${copy}.v8cache`, { force: true });
    }
  });

  it('refuses an unknown command or flag with exit 2', () => {
    expect(cli('fly').status).toBe(2);
    const r = cli('doctor', '--nope');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--nope');
  });

  it('answers bad input through the contract: exit 2 with one line naming the field, 3 for NOT_FOUND, codes in --help', { timeout: 120_000 }, () => {
    const bad = cli('submit', '--json', '{"model":"gen4_turbo","durationSec":"x","prompt":"p"}', '--data-dir', t.dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual(['circletake: jobs.submit: params.durationSec: Invalid input: expected number, received string']);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'params.durationSec' } } });
    const gone = cli('cancel', 'job_0000000000nothere', '--data-dir', t.dir);
    expect([gone.status, gone.stderr.trim().split('\n').length]).toEqual([3, 1]);
    expect(gone.stderr).toContain('No job with id job_0000000000nothere');
    const pool = cli('ledger', 'grant', '--pool', 'moon:grant', '--credits', '5', '--data-dir', t.dir);
    expect([pool.status, pool.stderr.trim().split('\n').length]).toEqual([2, 1]);
    for (const cmd of ['submit', 'ledger', 'call']) {
      const h = cli(cmd, '--help');
      expect(h.status).toBe(0);
      expect(h.stdout).toMatch(/Exit codes:\n {2}0 {2}done\n {2}1 {2}INTERNAL[^\n]*\n {2}2 {2}refused[\s\S]*POLICY_REFUSED[\s\S]*\n {2}3 {2}NOT_FOUND/);
    }
  });

  it('doctor reports binaries, the data dir and the database version', () => {
    const r = cli('doctor', '--json', '--data-dir', t.dir);
    const report = JSON.parse(r.stdout) as { binaries: { name: string; ok: boolean }[]; dataDir: string; database: { version: number; file: string; engine: string; serverVersion: string; schemaVersion: number; where: string } };
    expect(report.binaries.map((b) => b.name)).toEqual(['ffmpeg', 'ffprobe', 'chromium', 'electron']);
    expect(report.dataDir).toBe(t.dir);
    expect(report.database.version).toBeGreaterThan(0);
    // Which engine, its server's version and the schema version, as the engine reports them (#16 item 5).
    expect(report.database).toMatchObject({ engine: 'sqlite', serverVersion: expect.stringMatching(/^SQLite 3\.\d+/), schemaVersion: report.database.version, where: report.database.file });
  });

  it('doctor goes through system.doctor, and still reports the tools when core cannot open', () => {
    const viaCall = JSON.parse(cli('call', 'system.doctor', '--data-dir', t.dir).stdout) as { ok: boolean; value: { binaries: { name: string }[]; dataDir: string } };
    expect(viaCall.ok).toBe(true);
    expect(viaCall.value.binaries.map((b) => b.name)).toEqual(['ffmpeg', 'ffprobe', 'chromium', 'electron']);
    expect(viaCall.value.dataDir).toBe(t.dir);
    // A data dir that is a file: core cannot open; doctor names why, lists the tools, exits 1.
    const file = join(t.dir, 'not-a-dir');
    writeFileSync(file, 'x');
    const r = cli('doctor', '--json', '--data-dir', file);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as { binaries: { name: string }[]; database: { error?: string } };
    expect(report.binaries.map((b) => b.name)).toEqual(['ffmpeg', 'ffprobe', 'chromium', 'electron']);
    expect(report.database.error).toContain(file);
  });

  itWith(ffmpegNeed, 'submit --wait prints each take with its file, through takes.files (a cache hit: the takes it reuses)', async () => {
    const params = JSON.stringify({ provider: 'local', model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'a paper boat on a puddle' });
    const first = cli('submit', '--json', params, '--project', 'Files', '--wait', '--data-dir', t.dir);
    expect(first.status, first.stderr).toBe(0);
    const a = JSON.parse(first.stdout) as { jobId: string; status: string; takes: { id: string; path: string | null; artifactClass: string; checkStatus: string }[] };
    expect(a.status).toBe('succeeded');
    expect(a.takes).toHaveLength(1);
    expect(a.takes[0]).toMatchObject({ artifactClass: 'preview', checkStatus: expect.stringMatching(/^(passed|failed|pending|error)$/) });
    expect(statSync(a.takes[0]!.path!).size).toBeGreaterThan(1000);
    const again = JSON.parse(cli('submit', '--json', params, '--project', 'Files', '--data-dir', t.dir).stdout) as typeof a;
    expect(again.jobId).not.toBe(a.jobId);
    expect(again.takes.map((x) => x.id)).toEqual(a.takes.map((x) => x.id));
    // The entry itself: the owner's only, NOT_FOUND for a job that is not there.
    const none = cli('call', 'takes.files', '--input', '{"jobId":"job_0000000000nothere"}', '--data-dir', t.dir);
    expect([none.status, JSON.parse(none.stdout).error.code]).toEqual([3, 'NOT_FOUND']);
  });

  it('serve prints a loopback URL carrying the token, and serves calls', async () => {
    const child = spawn(process.execPath, [...bin, 'serve', '--json', '--data-dir', t.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
      const info = JSON.parse(line) as { openUrl: string; url: string; token: string };
      expect(info.openUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}$/);
      const r = await fetch(`${info.url}rpc/system.info`, { method: 'POST', headers: { authorization: `Bearer ${info.token}` }, body: '{}' });
      expect(await r.json()).toMatchObject({ ok: true, value: { door: 'host', dataDir: t.dir } });
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('serve names a port that is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = String((blocker.address() as { port: number }).port);
    try {
      const r = cli('serve', '--port', port, '--data-dir', t.dir);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`Port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });
});
