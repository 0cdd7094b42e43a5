import { BASE_ARGS, fileArg, num } from './args';

/**
 * Pure builder for stitching finals into one sequence, in ONE ffmpeg run:
 *
 * 1. Normalize every clip first: frame rate (fps), resolution (scale to fit + pad, square pixels),
 *    pixel format, timebase (settb), and audio layout (48 kHz stereo float; a clip without audio gets
 *    silence; each audio track is padded/trimmed to its clip's video length).
 * 2. Concat the video; join the audio with an `acrossfade` of `crossfadeSec` at each cut.
 *
 * Sync: a crossfade overlaps the end of clip i's audio with the first `crossfadeSec` of clip i+1's
 * audio, which shortens the audio by that much per cut. To keep picture and sound locked, the same
 * first `crossfadeSec` of clip i+1's *picture* is dropped — a J-cut: the next shot's sound starts under
 * the last frames of the previous shot, and every frame plays with its own audio. Total length =
 * Σ durations − (clips − 1) × crossfadeSec. With crossfadeSec 0 it is a plain concat of both.
 */
export interface StitchClip {
  file: string;
  /** Video duration, seconds (probed). */
  durationSec: number;
  hasAudio: boolean;
}

export interface StitchTarget {
  width: number;
  height: number;
  fps: number;
  sampleRate: number;
}

export interface StitchArgsInput {
  clips: readonly StitchClip[];
  target: StitchTarget;
  crossfadeSec: number;
  outFile: string;
  preset?: string;
  crf?: number;
}

/** Seconds the stitched sequence lasts. */
export function stitchedDuration(clips: readonly StitchClip[], crossfadeSec: number): number {
  return clips.reduce((s, c) => s + c.durationSec, 0) - Math.max(0, clips.length - 1) * crossfadeSec;
}

export function stitchFilterGraph(clips: readonly StitchClip[], t: StitchTarget, crossfadeSec: number): string {
  const d = crossfadeSec;
  const parts: string[] = [];
  clips.forEach((c, i) => {
    const trim = i > 0 && d > 0 ? `,trim=start=${num(d)}` : '';
    parts.push(
      `[${i}:v:0]fps=${num(t.fps)},scale=${t.width}:${t.height}:force_original_aspect_ratio=decrease,` +
        `pad=${t.width}:${t.height}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,format=yuv420p${trim},setpts=PTS-STARTPTS,settb=AVTB[v${i}]`,
    );
    const fmt = `aformat=sample_fmts=fltp:sample_rates=${t.sampleRate}:channel_layouts=stereo`;
    parts.push(
      c.hasAudio
        ? `[${i}:a:0]aresample=${t.sampleRate},${fmt},apad,atrim=0:${num(c.durationSec)},asetpts=PTS-STARTPTS[a${i}]`
        : `anullsrc=channel_layout=stereo:sample_rate=${t.sampleRate},${fmt},atrim=0:${num(c.durationSec)},asetpts=PTS-STARTPTS[a${i}]`,
    );
  });
  parts.push(`${clips.map((_, i) => `[v${i}]`).join('')}concat=n=${clips.length}:v=1:a=0[vout]`);
  if (clips.length === 1) parts.push('[a0]anull[aout]');
  else if (d <= 0) parts.push(`${clips.map((_, i) => `[a${i}]`).join('')}concat=n=${clips.length}:v=0:a=1[aout]`);
  else {
    let prev = 'a0';
    for (let i = 1; i < clips.length; i++) {
      const out = i === clips.length - 1 ? 'aout' : `x${i}`;
      parts.push(`[${prev}][a${i}]acrossfade=d=${num(d)}:c1=tri:c2=tri[${out}]`);
      prev = out;
    }
  }
  return parts.join(';');
}

export function stitchArgs(s: StitchArgsInput): string[] {
  const inputs = s.clips.flatMap((c) => ['-i', fileArg(c.file)]);
  return [
    ...BASE_ARGS,
    '-y',
    '-loglevel',
    'level+warning',
    '-progress',
    'pipe:1',
    '-nostats',
    ...inputs,
    '-filter_complex',
    stitchFilterGraph(s.clips, s.target, s.crossfadeSec),
    '-map',
    '[vout]',
    '-map',
    '[aout]',
    '-c:v',
    'libx264',
    '-preset',
    s.preset ?? 'medium',
    '-crf',
    String(s.crf ?? 18),
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    '192k',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    fileArg(s.outFile),
  ];
}
