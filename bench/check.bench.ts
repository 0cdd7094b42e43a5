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
import { fmt, printRatio, type Sample } from './support';

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

interface PairResult {
  subject: Sample;
  baseline: Sample;
  /** CPU seconds (children) per clip-second, median. */
  subjectCpu: number | null;
  baselineCpu: number | null;
  /** Children CPU ÷ wall during the subject runs: how many cores it kept busy. */
  subjectCores: number | null;
}

/**
 * Subject and baseline interleaved run by run (alternating which goes first), so drift and other
 * people's load on this shared machine hit both alike. Medians of wall rate and of CPU cost.
 */
async function measurePair(labels: [string, string], clipSeconds: number, subject: () => Promise<unknown>, baseline: () => Promise<unknown>, runs = 7): Promise<PairResult> {
  await subject();
  await baseline();
  const rec = { s: { rate: [] as number[], cpu: [] as number[], cores: [] as number[] }, b: { rate: [] as number[], cpu: [] as number[], cores: [] as number[] } };
  const once = async (fn: () => Promise<unknown>, into: typeof rec.s) => {
    const c0 = childCpuSeconds();
    const t0 = process.hrtime.bigint();
    await fn();
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const c1 = childCpuSeconds();
    into.rate.push(clipSeconds / wall);
    if (c0 !== null && c1 !== null) {
      into.cpu.push((c1 - c0) / clipSeconds);
      into.cores.push((c1 - c0) / wall);
    }
  };
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      await once(subject, rec.s);
      await once(baseline, rec.b);
    } else {
      await once(baseline, rec.b);
      await once(subject, rec.s);
    }
  }
  const med = (xs: number[]) => (xs.length === 0 ? null : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);
  return {
    subject: { label: labels[0], unit: 'clip-s/s', rate: med(rec.s.rate)! },
    baseline: { label: labels[1], unit: 'clip-s/s', rate: med(rec.b.rate)! },
    subjectCpu: med(rec.s.cpu),
    baselineCpu: med(rec.b.cpu),
    subjectCores: med(rec.s.cores),
  };
}

function report(r: PairResult, cores: number, isBatch: boolean): void {
  printRatio(r.subject, r.baseline, 'check ≥ 0.77× the bare rate, i.e. cost ≤ 1.3×');
  console.log(`  wall cost check/bare decode: ${(r.baseline.rate / r.subject.rate).toFixed(2)}×`);
  if (r.subjectCpu !== null && r.baselineCpu !== null) {
    console.log(`  CPU  cost check/bare decode: ${(r.subjectCpu / r.baselineCpu).toFixed(2)}×   (${r.subjectCpu.toFixed(3)} vs ${r.baselineCpu.toFixed(3)} CPU-s per clip-s; goal ≤ 1.30×)`);
  }
  if (isBatch && r.subjectCores !== null) console.log(`  cores kept busy by the check batch: ${fmt(r.subjectCores)} of ${cores}`);
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
      const secs = total(set.clips);
      const cls = set.name.includes('preview') ? ('preview' as const) : ('release' as const);
      console.log(`\n  ${set.name}, one clip at a time`);
      const seq = await measurePair(
        ['check (probe + one decode pass)', 'bare decode  ffmpeg -i clip -f null -'],
        secs,
        async () => {
          for (const c of set.clips) await one.check(c.file, { artifactClass: cls, audio: true });
        },
        async () => {
          for (const c of set.clips) await bare(c);
        },
      );
      report(seq, cores, false);

      console.log(`\n  ${set.name}, as a batch (pool of ${pool.concurrency} = cores ${cores})`);
      const limiter = new Limiter(pool.concurrency);
      const batch = await measurePair(
        ['check batch', `bare decode batch (${pool.concurrency} at a time)`],
        secs,
        () => Promise.all(set.clips.map((c) => pool.check(c.file, { artifactClass: cls, audio: true }))),
        () => Promise.all(set.clips.map((c) => limiter.run(() => bare(c)))),
      );
      report(batch, cores, true);
    }
    one.dispose();
    pool.dispose();
    await runner.dispose();
  } finally {
    tmp.cleanup();
  }
}
