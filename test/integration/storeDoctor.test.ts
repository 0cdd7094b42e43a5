import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3, type TestS3 } from '../support/s3Server';
import { tempDir } from '../support/tmp';

/**
 * `circletake doctor` shows the media store and probes it (write, read back, delete a probe object),
 * against a real s3rver with the real SDK in the CLI process. stderr stays clean: the SDK's Node 20
 * warning never reaches it, and no credential appears anywhere in the output.
 */
let s3: TestS3;
const t = tempDir('ct-storedoc-');
beforeAll(async () => {
  s3 = await startS3('circletake-doctor');
});
afterAll(async () => {
  await s3.close();
  t.cleanup();
});

function cli(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && k !== 'CIRCLETAKE_STORE_URL'));
  const child = spawn(process.execPath, ['bin/circletake.js', ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}
const creds = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
interface Report {
  store: { kind: string; where: string; ok: boolean; steps?: string[]; error?: string; setting?: string };
  binaries: { name: string; ok: boolean }[];
}

describe('doctor and the media store', { timeout: 120_000 }, () => {
  it('shows the S3 store from --store-url and probes it; stderr clean', async () => {
    const r = await cli(['doctor', '--json', '--data-dir', t.dir, '--store-url', s3.url('doc')], creds);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as Report;
    expect(report.store).toEqual({
      kind: 's3',
      where: `s3://${s3.bucket}/doc/ (endpoint ${s3.endpoint}, region us-east-1, path-style)`,
      ok: true,
      steps: [`check the bucket "${s3.bucket}"`, 'write a probe object', 'read the probe object back', 'delete the probe object'],
    });
    expect(r.status).toBe(report.binaries.every((b) => b.ok || !['ffmpeg', 'ffprobe'].includes(b.name)) ? 0 : 1);
  });

  it('reads CIRCLETAKE_STORE_URL too, and says so in plain text', async () => {
    const r = await cli(['doctor', '--data-dir', t.dir], { ...creds, CIRCLETAKE_STORE_URL: s3.url('env') });
    expect(r.stdout).toContain(`store    s3://${s3.bucket}/env/ (endpoint ${s3.endpoint}, region us-east-1, path-style): write, read back, delete ok`);
  });

  it('a missing bucket and bad credentials fail the probe with the cause and the setting, exit 1, no secret shown', async () => {
    const nob = await cli(['doctor', '--json', '--data-dir', t.dir, '--store-url', s3.url('doc', { bucket: 'not-a-bucket' })], creds);
    expect(nob.status).toBe(1);
    expect((JSON.parse(nob.stdout) as Report).store).toMatchObject({ ok: false, setting: 'CIRCLETAKE_STORE_URL', error: expect.stringMatching(/"not-a-bucket".*does not exist/) });
    const secret = 'wrong-secret-0123456789abcdef';
    const bad = await cli(['doctor', '--json', '--data-dir', t.dir, '--store-url', s3.url('doc')], { AWS_ACCESS_KEY_ID: 'AKIANOTAKEY000000000', AWS_SECRET_ACCESS_KEY: secret });
    expect(bad.status).toBe(1);
    expect((JSON.parse(bad.stdout) as Report).store).toMatchObject({ ok: false, setting: 'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY' });
    expect(bad.stdout + bad.stderr).not.toMatch(/AKIANOTAKEY|wrong-secret/);
  });

  it('the local folders by default, probed the same way; a bad --store-url is a usage error naming the flag', async () => {
    const r = await cli(['doctor', '--json', '--data-dir', t.dir]);
    expect((JSON.parse(r.stdout) as Report).store).toMatchObject({ kind: 'local', ok: true });
    const bad = await cli(['doctor', '--data-dir', t.dir, '--store-url', 'http://nope']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('--store-url must start with s3://');
  });
});
