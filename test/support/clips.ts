import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lookupBinary } from '../../electron/core/media/ffmpeg/binaries';
import { defaultWatermarkSpec, watermarkOverlayFilter, type WatermarkSpec } from '../../electron/core/media/watermark';

/**
 * Test clips made with ffmpeg at test time (nothing binary is checked in). Media suites run through
 * `describeWith(ffmpegNeed, …)` (test/support/needs.ts): under CI=true a missing ffmpeg fails the run.
 */
const ffmpegLookup = lookupBinary('ffmpeg');
const ffprobeLookup = lookupBinary('ffprobe');

export const mediaBinaries: { ffmpeg: string; ffprobe: string } | null =
  ffmpegLookup.found && ffprobeLookup.found ? { ffmpeg: ffmpegLookup.found.path, ffprobe: ffprobeLookup.found.path } : null;

export const NO_FFMPEG_MESSAGE = 'SKIPPED: no ffmpeg/ffprobe found (install ffmpeg or set CIRCLETAKE_FFMPEG / CIRCLETAKE_FFPROBE); media tests did not run.';

export interface ClipOptions {
  width?: number;
  height?: number;
  fps?: number;
  durationSec?: number;
  /** pattern: moving test pattern; black: all black; frozen: 0.5 s of motion then one frame held. */
  picture?: 'pattern' | 'black' | 'frozen';
  /** tone: a 440 Hz sine; silent: a digital-silence track; none: no audio stream. */
  audio?: 'tone' | 'silent' | 'none';
  /** Burn in the preview watermark (true: the bundled one) exactly as the local provider does. */
  watermark?: boolean | WatermarkSpec;
  /** mpeg4: MPEG-4 Part 2, a codec the checker does not accept. */
  codec?: 'h264' | 'mpeg4';
  /** Audio channels of the tone/silence. */
  channels?: 1 | 2;
  sampleRate?: number;
  /** x264 preset (default ultrafast, for speed in tests; benches use a realistic one). */
  preset?: string;
}

function ffmpeg(args: string[]): void {
  if (!mediaBinaries) throw new Error(NO_FFMPEG_MESSAGE);
  execFileSync(mediaBinaries.ffmpeg, ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', ...args], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
}

/** Makes an MP4 (moov atom first, so a cut-off copy still claims the full duration). */
export function makeClip(dir: string, name: string, o: ClipOptions = {}): string {
  const w = o.width ?? 640;
  const h = o.height ?? 360;
  const fps = o.fps ?? 24;
  const d = o.durationSec ?? 2;
  const audio = o.audio ?? 'tone';
  const inputs: string[] = [];
  const still = Math.max(1, Math.round(0.5 * fps));
  switch (o.picture ?? 'pattern') {
    case 'pattern':
      inputs.push('-f', 'lavfi', '-i', `testsrc2=size=${w}x${h}:rate=${fps}:duration=${d}`);
      break;
    case 'black':
      inputs.push('-f', 'lavfi', '-i', `color=c=black:size=${w}x${h}:rate=${fps}:duration=${d}`);
      break;
    case 'frozen':
      inputs.push('-f', 'lavfi', '-i', `testsrc2=size=${w}x${h}:rate=${fps}:duration=${still / fps},loop=loop=${Math.round(d * fps) - still}:size=1:start=${still - 1}`);
      break;
  }
  let graph = '[0:v]null[v0]';
  let next = 1;
  if (o.watermark) {
    const spec = o.watermark === true ? defaultWatermarkSpec() : o.watermark;
    inputs.push('-loop', '1', '-i', spec.imageFile);
    graph = `[0:v][${next}:v]${watermarkOverlayFilter(spec)}[v0]`;
    next++;
  }
  graph += ';[v0]format=yuv420p[v]';
  const ch = o.channels ?? 2;
  const rate = o.sampleRate ?? 48000;
  const layout = ch === 1 ? 'mono' : 'stereo';
  const audioArgs: string[] = [];
  if (audio !== 'none') {
    inputs.push(
      '-f',
      'lavfi',
      '-i',
      audio === 'tone' ? `sine=frequency=440:sample_rate=${rate}:duration=${d}` : `anullsrc=channel_layout=${layout}:sample_rate=${rate}`,
    );
    audioArgs.push('-map', `${next}:a`, '-c:a', 'aac', '-b:a', '96k', '-ac', String(ch));
  }
  const file = join(dir, name);
  const codec = o.codec === 'mpeg4' ? ['-c:v', 'mpeg4', '-q:v', '5'] : ['-c:v', 'libx264', '-preset', o.preset ?? 'ultrafast', '-g', String(fps * 2)];
  ffmpeg([...inputs, '-filter_complex', graph, '-map', '[v]', ...audioArgs, ...codec, '-t', String(d), '-movflags', '+faststart', '-f', 'mp4', file]);
  return file;
}

/** A 5 s clip cut at `keep` of its bytes: the header still claims 5 s. */
export function makeTruncated(dir: string, name: string, keep = 0.5, o: ClipOptions = {}): string {
  const whole = makeClip(dir, `whole-${name}`, { durationSec: 5, ...o });
  const bytes = readFileSync(whole);
  const file = join(dir, name);
  writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length * keep)));
  return file;
}

export function makeZeroByte(dir: string, name = 'empty.mp4'): string {
  const file = join(dir, name);
  writeFileSync(file, '');
  return file;
}

/** A text file with a video name. */
export function makeNonVideo(dir: string, name = 'notes.mp4'): string {
  const file = join(dir, name);
  writeFileSync(file, 'These are shot notes, not a video.\n'.repeat(200));
  return file;
}

/** Audio only (an .m4a named .mp4). */
export function makeAudioOnly(dir: string, name = 'audio-only.mp4', durationSec = 2): string {
  const file = join(dir, name);
  ffmpeg(['-f', 'lavfi', '-i', `sine=frequency=330:sample_rate=48000:duration=${durationSec}`, '-c:a', 'aac', '-f', 'mp4', file]);
  return file;
}

export type StandardClip =
  | 'good'
  | 'goodWatermarked'
  | 'black'
  | 'frozen'
  | 'truncated'
  | 'zeroByte'
  | 'nonVideo'
  | 'audioOnly'
  | 'wrongCodec'
  | 'noAudio'
  | 'silentAudio';

/** Every kind of clip the checker must judge, 640×360 24 fps 2 s unless said otherwise. */
export function makeStandardClips(dir: string): Record<StandardClip, string> {
  return {
    good: makeClip(dir, 'good.mp4'),
    goodWatermarked: makeClip(dir, 'good-wm.mp4', { watermark: true }),
    black: makeClip(dir, 'black.mp4', { picture: 'black', watermark: true }),
    frozen: makeClip(dir, 'frozen.mp4', { picture: 'frozen' }),
    truncated: makeTruncated(dir, 'truncated.mp4'),
    zeroByte: makeZeroByte(dir),
    nonVideo: makeNonVideo(dir),
    audioOnly: makeAudioOnly(dir),
    wrongCodec: makeClip(dir, 'mpeg4.mp4', { codec: 'mpeg4' }),
    noAudio: makeClip(dir, 'no-audio.mp4', { audio: 'none' }),
    silentAudio: makeClip(dir, 'silent.mp4', { audio: 'silent' }),
  };
}

export const sizeOf = (file: string): number => statSync(file).size;
