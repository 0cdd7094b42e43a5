import { copyFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Core } from '../../electron/core/createCore';
import { makeClip, mediaBinaries } from '../support/clips';
import { FakeClock, testCore, settleJob } from '../support/core';
import { describeWith, ffmpegNeed } from '../support/needs';
import { submitRequest } from '../support/parsed';
import { startS3, type TestS3 } from '../support/s3Server';
import { ScriptedProvider } from '../support/scriptedProvider';
import { tempDir } from '../support/tmp';

/**
 * The queue with its stores on S3 (a real s3rver, the real SDK): a finished render is uploaded, recorded
 * as a take only once its object is complete, and auto-checked through the local cache; with the store
 * unreachable the job's upload is retried and then the job fails, charged once what the provider billed,
 * with no take and no artifacts row.
 */
const dir = tempDir('ct-queue-s3-');
const clock = new FakeClock();
let s3: TestS3;
let core: Core;
let cleanup: () => Promise<void>;
/** Hands back whichever clip `output` names now (so the second job brings new content, not a duplicate). */
class SwitchableProvider extends ScriptedProvider {
  output = '';
  override download(_output: string, destFile: string): Promise<void> {
    copyFileSync(this.output, destFile);
    return Promise.resolve();
  }
}
let provider: SwitchableProvider;

beforeAll(async () => {
  s3 = await startS3('circletake-queue');
  if (!mediaBinaries) return;
  provider = new SwitchableProvider('runway', '', 25);
  provider.output = makeClip(dir.dir, 'good.mp4', { width: 640, height: 360, durationSec: 1, audio: 'none' });
  ({ core, cleanup } = testCore({ clock, config: { providerOverrides: [provider], pollIntervalMs: { runway: 5 }, storeUrl: s3.url('queue'), storeCredentials: s3.credentials } }));
  await core.ledger.purchase({ id: 'buy-queue-s3', surface: 'api', credits: 5000 });
  await core.queue.start();
}, 60_000);
afterAll(async () => {
  s3.setDown(false);
  await cleanup?.();
  await s3.close();
  dir.cleanup();
});

const settle = (jobId: string) => settleJob(core, clock, jobId);

describeWith(ffmpegNeed, 'the queue on S3', () => {
  it('stores a finished take in the bucket and auto-checks it through the cache', { timeout: 120_000 }, async () => {
    const { jobId } = await core.queue.submit(submitRequest({ params: { provider: 'runway', model: 'gen4.5', durationSec: 5, ratio: '1280:720', prompt: 'on s3', seed: 1 }, projectName: 'Queue S3' }));
    const job = await settle(jobId);
    expect(job.status).toBe('succeeded');
    const take = await core.takes.get((await core.takes.byJob(jobId))[0]!.id);
    // The auto-check decoded the clip from the bucket (through the cache): every frame read.
    expect(take.checks?.find((c) => c.name === 'decode')).toMatchObject({ ok: true, detail: expect.stringMatching(/^24 frames .* without errors/) });
    const a = await core.media.get(take.artifactId!);
    expect(await core.media.locationOf(a)).toBe(`s3://${s3.bucket}/queue/preview/${a.sha256}.mp4`);
  });

  it('an upload that never succeeds fails the job, charged once, with no take and no artifact', { timeout: 120_000 }, async () => {
    provider.output = makeClip(dir.dir, 'other.mp4', { width: 320, height: 180, durationSec: 1, audio: 'none' });
    s3.setDown(true);
    const { jobId } = await core.queue.submit(submitRequest({ params: { provider: 'runway', model: 'gen4.5', durationSec: 5, ratio: '1280:720', prompt: 'store down', seed: 2 }, projectName: 'Queue S3' }));
    const job = await settle(jobId);
    s3.setDown(false);
    expect(job).toMatchObject({ status: 'failed', errorCode: 'IO_FAILED', capturedCredits: 25 });
    expect(job.errorMessage).toMatch(/^Could not store the output: Could not store s3:\/\/circletake-queue\/queue\/preview\/[0-9a-f]{64}\.mp4: .*bucket "circletake-queue"/);
    expect((await core.takes.byJob(jobId))).toEqual([]);
    expect((await core.media.list(job.projectId)).filter((x) => x.jobId === jobId)).toEqual([]);
    expect((await core.ledger.audit()).ok).toBe(true);
  });
});
