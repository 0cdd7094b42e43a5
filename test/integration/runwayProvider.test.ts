import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lookupBinary } from '../../electron/core/media/ffmpeg/binaries';
import { ProviderCallError } from '../../electron/core/providers/provider';
import { failedTaskError } from '../../electron/core/providers/runway';
import { PROMPT, runwayHarness, thrown, type Harness } from '../fakeRunway/providerHarness';
import { tempDir } from '../support/tmp';

let h: Harness;
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('ct-runway-');
});
afterEach(async () => {
  await h?.stop();
  tmp.cleanup();
});

function probe(file: string): { width: number; height: number; duration: number; codec: string } {
  const ffprobe = lookupBinary('ffprobe').found!;
  const out = JSON.parse(execFileSync(ffprobe.path, ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', file], { encoding: 'utf8' }));
  const v = out.streams.find((s: { codec_type: string }) => s.codec_type === 'video');
  return { width: v.width, height: v.height, duration: Number(out.format.duration), codec: v.codec_name };
}

describe('RunwayProvider against the fake Runway (real SDK)', () => {
  it('text to video: create → waiting states → SUCCEEDED → a real MP4 of the requested shape and length', async () => {
    // The fake's clock moves only when the test moves it: the waiting states are seen whatever the load.
    let now = Date.parse('2026-11-22T10:00:00Z');
    h = await runwayHarness({ now: () => now });
    const created = await h.provider.create({ jobId: 'job_1', variation: 0, params: h.params() }, h.signal);
    expect(created.estimatedCredits).toBe(60); // gen4.5 12/s × 5 s
    const sent = h.fake.task(created.taskId)!;
    expect(sent.endpoint).toBe('text_to_video');
    expect(sent.body).toMatchObject({ model: 'gen4.5', ratio: '1280:720', duration: 5, promptText: PROMPT });
    const seen: string[] = [];
    let final = await h.provider.get(created.taskId, h.signal);
    for (let step = 0; step < 20 && !['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(final.status); step++) {
      if (seen.at(-1) !== final.status) seen.push(final.status);
      now += 20; // PENDING lasts 30 ms and RUNNING 80 ms on the fake's clock
      final = await h.provider.get(created.taskId, h.signal);
    }
    expect(seen).toEqual(['PENDING', 'RUNNING']);
    expect(final).toMatchObject({ status: 'SUCCEEDED', costCredits: 60 });
    const dest = join(tmp.dir, 'take.part');
    await h.provider.download(final.outputs![0]!, dest, h.signal);
    const p = probe(dest);
    expect(p.codec).toBe('h264');
    expect(p.width / p.height).toBeCloseTo(1280 / 720, 1);
    expect(p.duration).toBeCloseTo(5, 0);
    expect(h.fake.stats()).toMatchObject({ createPosts: 1, tasksCreated: 1, billedCredits: 60 });
    // The SDK sent no retry and no idempotency header (docs/runway.md §1: it has none).
    expect(h.fake.requests.filter((r) => r.route === 'create').map((r) => r.headers.retryCount)).toEqual(['0']);
  });

  it('THROTTLED under the concurrency limit is waiting, not an error, and tasks run in submission order', async () => {
    let now = Date.parse('2026-11-22T10:00:00Z');
    h = await runwayHarness({ now: () => now, tier: { 'gen4.5': { maxConcurrentGenerations: 1 } } });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await h.provider.create({ jobId: 'job_t', variation: i, params: h.params() }, h.signal)).taskId);
    const seen: string[][] = ids.map(() => []);
    for (let step = 0; step < 100; step++) {
      const states = await Promise.all(ids.map((id) => h.provider.get(id, h.signal)));
      states.forEach((s, i) => seen[i]!.at(-1) !== s.status && seen[i]!.push(s.status));
      // Never two running at once.
      expect(states.filter((s) => s.status === 'PENDING' || s.status === 'RUNNING').length).toBeLessThanOrEqual(1);
      if (states.every((s) => s.status === 'SUCCEEDED')) break;
      now += 20;
    }
    expect(seen).toEqual([
      ['PENDING', 'RUNNING', 'SUCCEEDED'],
      ['THROTTLED', 'PENDING', 'RUNNING', 'SUCCEEDED'],
      ['THROTTLED', 'PENDING', 'RUNNING', 'SUCCEEDED'],
    ]);
    const tasks = ids.map((id) => h.fake.task(id)!);
    expect(tasks[1]!.admittedAt).toBe(tasks[0]!.endedAt);
    expect(tasks[2]!.admittedAt).toBe(tasks[1]!.endedAt);
  });

  it('image to video from a local PNG sends it inline as a data URI; never drops it', async () => {
    h = await runwayHarness();
    const png = join(tmp.dir, 'frame.png');
    await sharp({ create: { width: 64, height: 36, channels: 3, background: '#336699' } }).png().toFile(png);
    const params = h.params({ promptImage: png, ratio: '1104:832' });
    const { taskId } = await h.provider.create({ jobId: 'job_i', variation: 0, params, promptImageFile: png }, h.signal);
    const t = h.fake.task(taskId)!;
    expect(t.endpoint).toBe('image_to_video');
    expect(String(t.body.promptImage)).toMatch(/^data:image\/png;base64,iVBOR/);
  });

  it('a large local image goes up as an ephemeral upload and the task gets the runway:// URI', async () => {
    h = await runwayHarness();
    const png = join(tmp.dir, 'big.png');
    const noise = Buffer.alloc(1400 * 1200 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    await sharp(noise, { raw: { width: 1400, height: 1200, channels: 3 } }).png({ compressionLevel: 0 }).toFile(png);
    expect(statSync(png).size).toBeGreaterThan(3_750_000);
    const { taskId } = await h.provider.create({ jobId: 'job_u', variation: 0, params: h.params({ promptImage: png }), promptImageFile: png }, h.signal);
    expect(String(h.fake.task(taskId)!.body.promptImage)).toMatch(/^runway:\/\/uploads\//);
    expect(h.fake.requests.map((r) => r.route)).toEqual(['uploads', 'upload-storage', 'create']);
  });

  it('an HTTPS promptImage passes through; a local one the queue did not resolve is refused before any request', async () => {
    h = await runwayHarness();
    const { taskId } = await h.provider.create({ jobId: 'j', variation: 0, params: h.params({ promptImage: 'https://assets.example.com/frame.jpg' }) }, h.signal);
    expect(h.fake.task(taskId)!.body.promptImage).toBe('https://assets.example.com/frame.jpg');
    const e = await thrown(h.provider.create({ jobId: 'j', variation: 1, params: h.params({ promptImage: '/nowhere/frame.png' }) }, h.signal));
    expect(e.message).toMatch(/without its image/);
    expect(h.fake.stats().createPosts).toBe(1);
  });

  it('validation errors happen before any request', async () => {
    h = await runwayHarness();
    const e = await thrown(h.provider.create({ jobId: 'j', variation: 0, params: h.params({ model: 'veo3.1', durationSec: 5 }) }, h.signal));
    expect(e).toMatchObject({ code: 'VALIDATION', details: { field: 'durationSec' } });
    expect(h.fake.requests).toHaveLength(0);
  });

  it('cancel: an unfinished task becomes CANCELLED at cost 0; a finished one is left alone; an unknown one is already gone', async () => {
    h = await runwayHarness({ timing: { pendingMs: 60_000, runningMs: 60_000 } });
    const { taskId } = await h.provider.create({ jobId: 'j', variation: 0, params: h.params() }, h.signal);
    await h.provider.cancel(taskId, h.signal);
    expect(await h.provider.get(taskId, h.signal)).toEqual({ status: 'CANCELLED', costCredits: 0 });
    expect(h.fake.stats().billedCredits).toBe(0);
    await h.provider.cancel('6b1f9d7e-0000-4000-8000-000000000000', h.signal);
    await h.stop();

    h = await runwayHarness();
    const done = await h.provider.create({ jobId: 'j', variation: 0, params: h.params() }, h.signal);
    const { final } = await h.settle(done.taskId);
    await h.provider.cancel(done.taskId, h.signal);
    expect(await h.provider.get(done.taskId, h.signal)).toMatchObject({ status: 'SUCCEEDED', outputs: final.outputs!.map(() => expect.any(String)) });
    expect(h.fake.requests.filter((r) => r.route === 'delete')).toHaveLength(0);
  });

  it('refunds: terminal cost 0 settles to 0, FAILED carries its code, and captured equals billed', async () => {
    h = await runwayHarness();
    h.fake.planOutcomes(
      { status: 'SUCCEEDED', cost: 0 },
      { status: 'FAILED', failureCode: 'INTERNAL.BAD_OUTPUT.CODE01', failure: 'internal detail' },
      { status: 'FAILED', failureCode: 'SAFETY.INPUT.TEXT', failure: 'blocked' },
      { status: 'SUCCEEDED' },
    );
    const finals = [];
    for (let i = 0; i < 4; i++) {
      const { taskId } = await h.provider.create({ jobId: 'j', variation: i, params: h.params() }, h.signal);
      finals.push({ taskId, ...(await h.settle(taskId)).final });
    }
    expect(finals.map((f) => [f.status, f.costCredits, f.failureCode])).toEqual([
      ['SUCCEEDED', 0, undefined],
      ['FAILED', 0, 'INTERNAL.BAD_OUTPUT.CODE01'],
      ['FAILED', 60, 'SAFETY.INPUT.TEXT'],
      ['SUCCEEDED', 60, undefined],
    ]);
    expect(failedTaskError(finals[1]!.taskId, finals[1]!).verdict).toBe('retry');
    expect(failedTaskError(finals[2]!.taskId, finals[2]!).verdict).toBe('fatal');
    const captured = finals.reduce((a, f) => a + (f.costCredits ?? 0), 0);
    expect(captured).toBe(h.fake.stats().billedCredits);
    expect(h.fake.stats().creditBalance).toBe(100_000 - captured);
  });

  it('expiring output URLs: an expired one is a retry that asks for a fresh GET, which works', async () => {
    let now = Date.parse('2026-11-22T10:00:00Z');
    h = await runwayHarness({ now: () => now, outputUrlTtlMs: 60_000 });
    const { taskId } = await h.provider.create({ jobId: 'j', variation: 0, params: h.params() }, h.signal);
    now += 30_000; // past PENDING (30 ms) and RUNNING (80 ms) on the fake clock
    const first = await h.provider.get(taskId, h.signal);
    expect(first.status).toBe('SUCCEEDED');
    now += 61_000;
    const dest = join(tmp.dir, 'out.part');
    const e = await thrown<ProviderCallError>(h.provider.download(first.outputs![0]!, dest, h.signal));
    expect(e).toBeInstanceOf(ProviderCallError);
    expect(e.verdict).toBe('retry');
    expect(e.details).toMatchObject({ isExpired: true });
    expect(existsSync(dest)).toBe(false);
    const fresh = await h.provider.get(taskId, h.signal);
    expect(fresh.outputs![0]).not.toBe(first.outputs![0]);
    await h.provider.download(fresh.outputs![0]!, dest, h.signal);
    expect(statSync(dest).size).toBeGreaterThan(1000);
  });

  it('a truncated download is a retry and leaves no partial file', async () => {
    h = await runwayHarness();
    const { taskId } = await h.provider.create({ jobId: 'j', variation: 0, params: h.params() }, h.signal);
    const { final } = await h.settle(taskId);
    h.fake.inject({ route: 'output', fault: { kind: 'truncate' } });
    const dest = join(tmp.dir, 'out.part');
    const e = await thrown<ProviderCallError>(h.provider.download(final.outputs![0]!, dest, h.signal));
    expect(e.verdict).toBe('retry');
    expect(existsSync(dest)).toBe(false);
  });

  it('refuses to download over plain http from anywhere but loopback', async () => {
    h = await runwayHarness();
    const e = await thrown<ProviderCallError>(h.provider.download('http://cdn.example.com/x.mp4', join(tmp.dir, 'x'), h.signal));
    expect(e.verdict).toBe('fatal');
    expect(e.message).toMatch(/only HTTPS/);
  });

  it('account() and usage() report the balance, tier limits, daily usage and billed credits', async () => {
    h = await runwayHarness({ creditBalance: 5000, tier: { 'veo3.1': { maxConcurrentGenerations: 3, maxDailyGenerations: null } } });
    const { taskId } = await h.provider.create({ jobId: 'j', variation: 0, params: h.params({ model: 'veo3.1', durationSec: 8, audio: true }) }, h.signal);
    expect(h.fake.task(taskId)!.estimate).toBe(320);
    await h.settle(taskId);
    const acct = await h.provider.account(h.signal);
    expect(acct.creditBalance).toBe(4680);
    expect(acct.limits['veo3.1']).toEqual({ maxConcurrent: 3, maxDaily: null, usedToday: 1 });
    expect(acct.limits['gen4.5']).toEqual({ maxConcurrent: 2, maxDaily: 200, usedToday: 0 });
    const usage = await h.provider.usage({}, h.signal);
    expect(usage.results.flatMap((r) => r.usedCredits)).toEqual([{ model: 'veo3.1', amount: 320 }]);
  });

  it('dispose() aborts calls in flight', async () => {
    h = await runwayHarness();
    h.fake.inject({ route: 'get', fault: { kind: 'hang' } });
    const pending = h.provider.get('6b1f9d7e-0000-4000-8000-000000000000', h.signal);
    await new Promise((r) => setTimeout(r, 50));
    h.provider.dispose();
    expect((await thrown(pending)).code).toBe('CANCELLED');
  });
});
