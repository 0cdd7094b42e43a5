import { copyFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Core } from '../../electron/core/createCore';
import { makeClip, makeNonVideo, makeTruncated, makeZeroByte, mediaBinaries } from '../support/clips';
import { FakeClock, settleJob } from '../support/core';
import { ENGINES, needsOn, suiteCoreOn } from '../support/coreOn';
import { ScriptedProvider } from '../support/scriptedProvider';
import { tempDir } from '../support/tmp';
import { describeWith } from '../support/needs';
import { submitRequest } from '../support/parsed';

// Corrupt, truncated, zero-byte and non-video outputs arriving through the queue (issue 8). The
// checker's own verdicts are proven in electron/core/media/check/autoChecker.test.ts and
// test/integration/mediaCli.test.ts; here a provider hands them back as takes: each job ends cleanly
// (a failed check verdict, or a clear job error), nothing is charged twice, and the next job runs.

/** Task n's output is files[n - 1] (a retried download of the same task gets the same file). */
class FileQueueProvider extends ScriptedProvider {
  constructor(private readonly files: string[]) {
    super('runway', files[0]!, 25);
  }
  override async download(output: string, destFile: string): Promise<void> {
    const n = Number(/task-(\d+)$/.exec(output)![1]);
    copyFileSync(this.files[n - 1]!, destFile);
  }
}

// The outputs are made once for the file; each engine's queue gets them back from its own provider.
const dir = tempDir('ct-badmedia-');
const kinds = ['zero-byte', 'non-video', 'truncated', 'good'] as const;
let files: string[] = [];
beforeAll(() => {
  if (!mediaBinaries) return;
  files = [
    makeZeroByte(dir.dir),
    makeNonVideo(dir.dir),
    makeTruncated(dir.dir, 'truncated.mp4', 0.4, { width: 640, height: 360, durationSec: 2 }),
    makeClip(dir.dir, 'good.mp4', { width: 1280, height: 720, durationSec: 5, audio: 'none' }),
  ];
}, 60_000);
afterAll(() => dir.cleanup());

// On both engines: the queue, the ledger and the takes on SQLite or PostgreSQL.
for (const engine of ENGINES) describeWith(needsOn(engine), `bad media from a provider · ${engine}`, () => {
  let core: Core;
  let cleanup: () => Promise<void>;
  let provider: FileQueueProvider;
  const clock = new FakeClock();

  beforeAll(async () => {
    provider = new FileQueueProvider(files);
    ({ core, cleanup } = await suiteCoreOn(engine, { clock, config: { providerOverrides: [provider], pollIntervalMs: { runway: 5 } } }));
    await core.ledger.purchase({ id: 'buy-bad-media', surface: 'api', credits: 5000 });
    await core.queue.start();
  }, 60_000);
  afterAll(async () => {
    await cleanup?.();
  });

  const settle = (jobId: string) => settleJob(core, clock, jobId);

  it('ends each job cleanly, charges each once, and the queue goes on to a good take', { timeout: 120_000 }, async () => {
    const results: { kind: string; status: string; checkStatus: string | null; errorCode: string | null; detail: string }[] = [];
    for (const [i, kind] of kinds.entries()) {
      const { jobId } = await core.queue.submit(submitRequest({
        params: { provider: 'runway', model: 'gen4.5', durationSec: 5, ratio: '1280:720', prompt: `bad media ${kind}`, seed: i },
        projectName: 'Bad media',
      }));
      const job = await settle(jobId);
      const take = (await core.takes.byJob(jobId))[0];
      const checks = take ? (await core.takes.get(take.id)).checks : null;
      results.push({
        kind,
        status: job.status,
        checkStatus: take ? (await core.takes.get(take.id)).checkStatus : null,
        errorCode: job.errorCode,
        detail: checks?.find((c) => c.name === 'decode')?.detail ?? job.errorMessage ?? '',
      });
      // Charged exactly what the provider billed for this job's one task: never twice.
      expect(job.capturedCredits, kind).toBe(25);
    }
    for (const r of results.slice(0, 3)) {
      // Either stored and failed by the auto-check with a reason, or the job failed with a clear error.
      const isCheckFailed = r.status === 'succeeded' && r.checkStatus === 'failed' && r.detail.length > 0;
      const isJobFailed = r.status === 'failed' && r.errorCode !== null && r.detail.length > 0;
      expect(isCheckFailed || isJobFailed, JSON.stringify(r)).toBe(true);
    }
    // A zero-byte or non-video output is refused before it is stored (the job fails, naming why); a truncated one is stored and fails its check.
    expect(results[0]).toMatchObject({ status: 'failed', errorCode: 'MEDIA_UNSUPPORTED', detail: expect.stringMatching(/not a readable video/) });
    expect(results[2]).toMatchObject({ status: 'succeeded', checkStatus: 'failed', detail: expect.stringMatching(/truncated or damaged/) });
    expect(results[3]).toMatchObject({ kind: 'good', status: 'succeeded', checkStatus: 'passed' });
    expect(provider.creates).toHaveLength(4);
    expect((await core.ledger.audit()).ok).toBe(true);
    // No temp or partial file left in the stores.
    const leftovers = ['preview', 'release'].flatMap((c) => {
      try {
        return readdirSync(join(core.config.dataDir, c), { recursive: true, encoding: 'utf8' }).filter((f) => /\.partial$/.test(f) || /^\.tmp[\\/]./.test(f));
      } catch {
        return [];
      }
    });
    expect(leftovers).toEqual([]);
    if (engine === 'sqlite') expect(statSync(join(core.config.dataDir, 'circletake.db')).size).toBeGreaterThan(0);
  });
});
