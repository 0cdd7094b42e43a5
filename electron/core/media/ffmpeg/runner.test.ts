import { describe, expect, it } from 'vitest';
import { mediaBinaries } from '../../../../test/support/clips';
import type { Logger } from '../../ports';
import { FfmpegRunner, summarizeStderr } from './runner';
import { describeWith, ffmpegNeed } from '../../../../test/support/needs';


function recordingLogger(): Logger & { lines: { level: string; msg: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  return { lines, log: (level, msg, fields) => lines.push({ level, msg, ...(fields ? { fields } : {}) }) };
}

const lavfi = (spec: string, extra: string[] = []) => ['-hide_banner', '-nostdin', '-y', ...extra, '-f', 'lavfi', '-i', spec, '-f', 'null', '-'];

describeWith(ffmpegNeed, 'FfmpegRunner (real ffmpeg)', () => {
  const make = (logger: Logger = recordingLogger(), extra: Partial<ConstructorParameters<typeof FfmpegRunner>[0]> = {}) =>
    new FfmpegRunner({ ffmpegPath: mediaBinaries!.ffmpeg, ffprobePath: mediaBinaries!.ffprobe, logger, ...extra });

  it('runs, streams -progress blocks ending with progress=end, and logs the escaped command line', async () => {
    const logger = recordingLogger();
    const runner = make(logger);
    const blocks: number[] = [];
    const r = await runner.run({
      args: [...lavfi('testsrc2=size=320x180:rate=24:duration=1'), '-progress', 'pipe:1', '-nostats'],
      purpose: 'test',
      onProgress: (b) => blocks.push(b.frame ?? -1),
    });
    expect(r.exitCode).toBe(0);
    expect(r.lastProgress).toMatchObject({ isEnd: true, frame: 24 });
    expect(blocks.at(-1)).toBe(24);
    const start = logger.lines.find((l) => l.msg === 'ffmpeg start');
    expect(start?.fields).toMatchObject({ purpose: 'test' });
    expect(String(start?.fields?.cmd)).toContain(' -f lavfi -i testsrc2=size=320x180:rate=24:duration=1 -f null - -progress pipe:1');
    expect(runner.liveCount).toBe(0);
  });

  it('fails with FFMPEG_FAILED carrying the exit code and the telling stderr line', async () => {
    const runner = make();
    const err = await runner.run({ args: ['-hide_banner', '-nostdin', '-y', '-i', 'file:/no/such/clip.mp4', '-f', 'null', '-'], purpose: 'test' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FFMPEG_FAILED', details: { exitCode: 1, purpose: 'test' } });
    expect((err as Error).message).toContain('No such file or directory');
    expect(String((err as { details: { stderrTail: string } }).details.stderrTail)).toContain('/no/such/clip.mp4');
  });

  it('resolves with the exit code instead when allowFailure is set, and hands over every stderr line', async () => {
    const lines: string[] = [];
    const r = await make().run({
      args: ['-hide_banner', '-nostdin', '-y', '-i', 'file:/no/such/clip.mp4', '-f', 'null', '-'],
      purpose: 'test',
      allowFailure: true,
      onStderrLine: (l) => lines.push(l),
    });
    expect(r.exitCode).not.toBe(0);
    expect(lines.some((l) => l.includes('No such file'))).toBe(true);
  });

  it('cancels on abort: SIGTERM, CANCELLED, nothing left running', async () => {
    const runner = make();
    const ac = new AbortController();
    const p = runner.run({ args: lavfi('testsrc2=size=320x180:rate=24', ['-re']), purpose: 'test', signal: ac.signal });
    await new Promise((r) => setTimeout(r, 300));
    expect(runner.liveCount).toBe(1);
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(runner.liveCount).toBe(0);
    await expect(runner.run({ args: lavfi('testsrc2'), purpose: 'test', signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('stops a run that exceeds its timeout with FFMPEG_FAILED (timeout)', async () => {
    const err = await make().run({ args: lavfi('testsrc2=size=320x180:rate=24', ['-re']), purpose: 'test', timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FFMPEG_FAILED', details: { reason: 'timeout' } });
    expect((err as Error).message).toMatch(/took longer than/);
  });

  it('escalates to SIGKILL when a process ignores SIGTERM', async () => {
    // A real process that ignores SIGTERM, run through the runner in ffmpeg's place.
    const runner = new FfmpegRunner({ ffmpegPath: process.execPath, ffprobePath: null, logger: recordingLogger(), killGraceMs: 200 });
    const ac = new AbortController();
    const t0 = Date.now();
    const p = runner.run({ args: ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.error('ready')"], purpose: 'test', signal: ac.signal, onStderrLine: () => ac.abort() });
    await expect(p).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
    expect(runner.liveCount).toBe(0);
  });

  it('dispose stops every live process and refuses new runs', async () => {
    const runner = make();
    const a = runner.run({ args: lavfi('testsrc2=size=320x180:rate=24', ['-re']), purpose: 'a' });
    const b = runner.run({ args: lavfi('sine', ['-re']), purpose: 'b' });
    await new Promise((r) => setTimeout(r, 200));
    expect(runner.liveCount).toBe(2);
    const settled = Promise.allSettled([a, b]);
    await runner.dispose();
    const [ra, rb] = await settled;
    expect(ra).toMatchObject({ status: 'rejected', reason: { code: 'CANCELLED' } });
    expect(rb).toMatchObject({ status: 'rejected', reason: { code: 'CANCELLED' } });
    expect(runner.liveCount).toBe(0);
    await expect(runner.run({ args: lavfi('testsrc2'), purpose: 'c' })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('FfmpegRunner without binaries', () => {
  it('fails with the install hint when ffmpeg is missing', async () => {
    const runner = new FfmpegRunner({ ffmpegPath: null, ffprobePath: null, logger: recordingLogger() });
    await expect(runner.run({ args: [], purpose: 'x' })).rejects.toMatchObject({ code: 'FFMPEG_FAILED', details: { reason: 'not-found' } });
    const wrong = new FfmpegRunner({ ffmpegPath: '/no/such/ffmpeg', ffprobePath: null, logger: recordingLogger() });
    await expect(wrong.run({ args: [], purpose: 'x' })).rejects.toMatchObject({ code: 'FFMPEG_FAILED', details: { reason: 'spawn' } });
  });

  it('summarizes stderr by level tag, else by the last meaningful line', () => {
    expect(summarizeStderr('[info] a\n[h264 @ 0x1f] [error] bad slice\n[fatal] file:/x: corrupt input packet\n[info] Conversion failed!\n')).toBe('file:/x: corrupt input packet');
    expect(summarizeStderr('something\nfile:/x: No such file or directory\nConversion failed!\n')).toBe('file:/x: No such file or directory');
    expect(summarizeStderr('')).toBe('no output');
  });
});
