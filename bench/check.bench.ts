// Auto-check throughput in clip-seconds per wall-second, side by side with a bare full decode
// (`ffmpeg -i clip -f null -`) of the same clips in the same run. Goal: the full check costs at most
// 1.3× the bare decode, and a batch keeps both cores busy. Nothing here asserts timings.
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { AutoChecker } from '../electron/core/media/check/autoChecker';
import { bareDecodeArgs } from '../electron/core/media/ffmpeg/args';
import { FfmpegRunner } from '../electron/core/media/ffmpeg/runner';
import { Limiter } from '../electron/core/media/limiter';
import { defaultWatermarkSpec } from '../electron/core/media/watermark';
import { silentLogger } from '../electron/core/nodePorts';
import { makeClip, mediaBinaries, NO_FFMPEG_MESSAGE } from '../test/support/clips';
import { tempDir } from '../test/support/tmp';
import { fmt, measure, printRatio, type Sample } from './support';

interface Clip {
  file: string;
  seconds: number;
}

/** CPU seconds used by finished child processes so far (Linux /proc; null elsewhere). */
function childCpuSeconds(): number | null {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    // After "pid (comm) ": field 14/15 of stat (cutime, cstime) are at index 13/14 here.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return null;
  }
}

async function busyCores(work: () => Promise<unknown>): Promise<{ wallSec: number; cores: number | null }> {
  const c0 = childCpuSeconds();
  const t0 = process.hrtime.bigint();
  await work();
  const wallSec = Number(process.hrtime.bigint() - t0) / 1e9;
  const c1 = childCpuSeconds();
  return { wallSec, cores: c0 === null || c1 === null ? null : (c1 - c0) / wallSec };
}

function costLine(subject: Sample, baseline: Sample): void {
  console.log(`  cost check/bare decode: ${(baseline.rate / subject.rate).toFixed(2)}×   (goal: ≤ 1.30×)`);
}

export default async function run(): Promise<void> {
  if (!mediaBinaries) {
    console.log(NO_FFMPEG_MESSAGE);
    return;
  }
  const tmp = tempDir('ct-bench-check-');
  try {
    console.log(`  ffmpeg: ${mediaBinaries.ffmpeg}`);
    console.log(`  load average (1 min) at start: ${loadavg()[0]!.toFixed(2)} — other work on this machine skews batch numbers`);
    console.log('  making clips (x264 veryfast, with audio, previews watermarked)…');
    const sets: { name: string; clips: Clip[] }[] = [
      {
        name: '912x512 5 s previews ×6',
        clips: [...Array(6).keys()].map((i) => ({
          file: makeClip(tmp.dir, `p${i}.mp4`, { width: 912, height: 512, durationSec: 5, watermark: true, preset: 'veryfast' }),
          seconds: 5,
        })),
      },
      {
        name: '1920x1080 10 s releases ×2',
        clips: [0, 1].map((i) => ({ file: makeClip(tmp.dir, `r${i}.mp4`, { width: 1920, height: 1080, fps: 24, durationSec: 10, preset: 'veryfast' }), seconds: 10 })),
      },
    ];

    const runner = new FfmpegRunner({ ffmpegPath: mediaBinaries.ffmpeg, ffprobePath: mediaBinaries.ffprobe, logger: silentLogger });
    const cores = availableParallelism();
    const one = new AutoChecker({ runner, logger: silentLogger, defaultWatermark: defaultWatermarkSpec(), concurrency: 1 });
    const pool = new AutoChecker({ runner, logger: silentLogger, defaultWatermark: defaultWatermarkSpec() });
    const bare = (c: Clip) => runner.run({ args: bareDecodeArgs(c.file), purpose: 'bench-bare' });
    const total = (cs: Clip[]) => cs.reduce((s, c) => s + c.seconds, 0);

    for (const set of sets) {
      console.log(`\n  ${set.name}, one clip at a time`);
      const checkSeq = await measure('check (probe + one decode pass)', 'clip-s/s', async () => {
        for (const c of set.clips) await one.check(c.file, { artifactClass: set.name.includes('preview') ? 'preview' : 'release', audio: true });
        return total(set.clips);
      });
      const bareSeq = await measure('bare decode  ffmpeg -i clip -f null -', 'clip-s/s', async () => {
        for (const c of set.clips) await bare(c);
        return total(set.clips);
      });
      printRatio(checkSeq, bareSeq, 'check ≥ 0.77× the bare rate');
      costLine(checkSeq, bareSeq);

      console.log(`\n  ${set.name}, as a batch (pool of ${pool.concurrency} = cores ${cores})`);
      const limiter = new Limiter(pool.concurrency);
      const checkBatch = await measure('check batch', 'clip-s/s', async () => {
        await Promise.all(set.clips.map((c) => pool.check(c.file, { audio: true })));
        return total(set.clips);
      });
      const bareBatch = await measure(`bare decode batch (${pool.concurrency} at a time)`, 'clip-s/s', async () => {
        await Promise.all(set.clips.map((c) => limiter.run(() => bare(c))));
        return total(set.clips);
      });
      printRatio(checkBatch, bareBatch, 'check ≥ 0.77× the bare rate');
      costLine(checkBatch, bareBatch);
      const busy = await busyCores(() => Promise.all(set.clips.map((c) => pool.check(c.file, { audio: true }))));
      console.log(
        `  cores busy during a check batch: ${busy.cores === null ? 'n/a (no /proc)' : `${fmt(busy.cores)} of ${cores}`}  (${fmt(total(set.clips) / busy.wallSec)} clip-s/s)`,
      );
    }
    one.dispose();
    pool.dispose();
    await runner.dispose();
  } finally {
    tmp.cleanup();
  }
}
