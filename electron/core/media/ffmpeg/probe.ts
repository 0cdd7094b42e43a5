import { z } from 'zod';
import { AppError } from '../../../../shared/errors';
import { fileArg, probeArgs } from './args';
import { summarizeStderr, type FfmpegRunner } from './runner';

/**
 * ffprobe's `-show_format -show_streams -of json` output, validated with zod and reduced to what the
 * checker, thumbnails and stitch need. ffprobe prints most numbers as strings; they are coerced here.
 * A probe reads headers only: it does NOT prove that a file decodes (a truncated file still reports its
 * full duration) — the checker's decode pass does that.
 */
const numeric = z
  .union([z.number(), z.string()])
  .transform((v) => (typeof v === 'number' ? v : Number(v)))
  .refine((n) => Number.isFinite(n), 'must be a number');

const Stream = z.object({
  index: z.number().int(),
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  pix_fmt: z.string().optional(),
  r_frame_rate: z.string().optional(),
  avg_frame_rate: z.string().optional(),
  time_base: z.string().optional(),
  duration: numeric.optional(),
  nb_frames: numeric.optional(),
  sample_rate: numeric.optional(),
  channels: z.number().int().optional(),
  channel_layout: z.string().optional(),
  disposition: z.object({ attached_pic: z.number().optional() }).partial().optional(),
});

const ProbeJson = z.object({
  streams: z.array(Stream).default([]),
  format: z
    .object({
      format_name: z.string(),
      duration: numeric.optional(),
      size: numeric.optional(),
      bit_rate: numeric.optional(),
    })
    .optional(),
});

export interface VideoStreamInfo {
  index: number;
  codec: string;
  width: number;
  height: number;
  /** Frames per second (avg_frame_rate, else r_frame_rate); null when unknown. */
  fps: number | null;
  timeBase: string | null;
  durationSec: number | null;
  /** Frame count the container claims (mp4 sample count); null when absent. */
  frameCount: number | null;
  pixFmt: string | null;
}

export interface AudioStreamInfo {
  index: number;
  codec: string;
  sampleRate: number | null;
  channels: number | null;
  layout: string | null;
  durationSec: number | null;
}

export interface ProbeInfo {
  formatName: string;
  /** What the container header claims. */
  durationSec: number | null;
  sizeBytes: number | null;
  video: VideoStreamInfo | null;
  audio: AudioStreamInfo | null;
}

/** "24000/1001" → 23.976…; "0/0" or junk → null. */
export function parseRate(rate: string | undefined): number | null {
  if (!rate) return null;
  const m = /^(\d+)(?:\/(\d+))?$/.exec(rate.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const d = m[2] === undefined ? 1 : Number(m[2]);
  return n > 0 && d > 0 ? n / d : null;
}

/** Parses and validates ffprobe JSON. Throws AppError('MEDIA_UNSUPPORTED') when it is not ffprobe's shape. */
export function parseProbe(json: string): ProbeInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new AppError('MEDIA_UNSUPPORTED', 'ffprobe printed something that is not JSON.', { output: json.slice(0, 200) }, { cause: e });
  }
  const parsed = ProbeJson.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new AppError('MEDIA_UNSUPPORTED', `ffprobe output did not have the expected shape (${first ? `${first.path.join('.')}: ${first.message}` : 'unknown'}).`);
  }
  const { streams, format } = parsed.data;
  // Cover art in an audio file is a "video" stream with attached_pic; it is not video.
  const v = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic && s.width && s.height);
  const a = streams.find((s) => s.codec_type === 'audio');
  return {
    formatName: format?.format_name ?? 'unknown',
    durationSec: positive(format?.duration) ?? positive(v?.duration) ?? null,
    sizeBytes: format?.size ?? null,
    video: v
      ? {
          index: v.index,
          codec: v.codec_name ?? 'unknown',
          width: v.width!,
          height: v.height!,
          fps: parseRate(v.avg_frame_rate) ?? parseRate(v.r_frame_rate),
          timeBase: v.time_base ?? null,
          durationSec: positive(v.duration),
          frameCount: v.nb_frames !== undefined && v.nb_frames > 0 ? Math.round(v.nb_frames) : null,
          pixFmt: v.pix_fmt ?? null,
        }
      : null,
    audio: a
      ? {
          index: a.index,
          codec: a.codec_name ?? 'unknown',
          sampleRate: a.sample_rate ?? null,
          channels: a.channels ?? null,
          layout: a.channel_layout ?? null,
          durationSec: positive(a.duration),
        }
      : null,
  };
}

function positive(n: number | undefined): number | null {
  return n !== undefined && n > 0 ? n : null;
}

/**
 * Runs ffprobe through the runner and parses its JSON. A file ffprobe cannot read (empty, not media)
 * throws AppError('MEDIA_UNSUPPORTED') with ffprobe's reason, the path itself left out of the message.
 */
export async function probeFile(runner: FfmpegRunner, file: string, signal?: AbortSignal): Promise<ProbeInfo> {
  const r = await runner.run({
    tool: 'ffprobe',
    args: probeArgs(file),
    purpose: 'probe',
    collectStdout: true,
    allowFailure: true,
    timeoutMs: 60_000,
    ...(signal ? { signal } : {}),
  });
  if (r.exitCode !== 0) {
    const reason = summarizeStderr(r.stderrTail).split(`${fileArg(file)}: `).join('');
    throw new AppError('MEDIA_UNSUPPORTED', `Not a readable video file: ${reason}.`, { reason, exitCode: r.exitCode });
  }
  return parseProbe(r.stdout);
}
