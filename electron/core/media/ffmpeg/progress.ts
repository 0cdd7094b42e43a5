/**
 * Pure parser for ffmpeg's `-progress pipe:1 -nostats` output: key=value lines in blocks, each block
 * closed by `progress=continue` or `progress=end`.
 *
 * Time comes from `out_time_us`; builds older than ffmpeg 4.2 (such as the bundled 2018 static build)
 * may lack it, and their `out_time_ms` is also in microseconds (a long-standing misnomer), so that is
 * the fallback, then `out_time` (HH:MM:SS.micro). `N/A` values are null.
 */
export interface ProgressBlock {
  /** Video frames written so far (of the first output's video stream). */
  frame: number | null;
  /** Output time reached, seconds. */
  outTimeSec: number | null;
  /** Encoding speed as a multiple of real time. */
  speed: number | null;
  /** True for the final block (`progress=end`). */
  isEnd: boolean;
}

export interface ProgressState {
  /** Text after the last newline, kept until the rest of the line arrives. */
  pending: string;
  fields: Readonly<Record<string, string>>;
}

export const initialProgress: ProgressState = { pending: '', fields: {} };

/** Feeds one chunk of stdout; returns the new state and every block the chunk completed. */
export function feedProgress(state: ProgressState, chunk: string): { state: ProgressState; blocks: ProgressBlock[] } {
  const text = state.pending + chunk;
  const lines = text.split(/\r?\n/);
  const pending = lines.pop() ?? '';
  let fields: Record<string, string> = { ...state.fields };
  const blocks: ProgressBlock[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key === 'progress') {
      blocks.push(toBlock(fields, value === 'end'));
      fields = {};
    } else {
      fields[key] = value;
    }
  }
  return { state: { pending, fields }, blocks };
}

/** Every block in a complete capture (for tests and one-shot use). */
export function parseProgress(text: string): ProgressBlock[] {
  const { blocks } = feedProgress(initialProgress, text.endsWith('\n') ? text : `${text}\n`);
  return blocks;
}

function toBlock(f: Record<string, string>, isEnd: boolean): ProgressBlock {
  return {
    frame: intOrNull(f.frame),
    outTimeSec: outTime(f),
    speed: f.speed !== undefined ? numOrNull(f.speed.replace(/x$/, '')) : null,
    isEnd,
  };
}

function outTime(f: Record<string, string>): number | null {
  const us = intOrNull(f.out_time_us) ?? intOrNull(f.out_time_ms);
  if (us !== null) return us / 1e6;
  if (f.out_time === undefined) return null;
  const m = /^(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(f.out_time);
  if (!m) return null;
  const secs = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  return m[1] === '-' ? -secs : secs;
}

function intOrNull(v: string | undefined): number | null {
  if (v === undefined || !/^-?\d+$/.test(v)) return null;
  return Number(v);
}

function numOrNull(v: string): number | null {
  const n = Number(v);
  return v !== '' && Number.isFinite(n) ? n : null;
}

/**
 * How far along a run is, 0..1, against the probed (or planned) duration. The final block is 1.
 * Unknown or non-positive durations give 0 until the end; negative times (before the first packet) clamp to 0.
 */
export function progressFraction(block: ProgressBlock, durationSec: number | null): number {
  if (block.isEnd) return 1;
  if (block.outTimeSec === null || durationSec === null || !(durationSec > 0)) return 0;
  return Math.min(1, Math.max(0, block.outTimeSec / durationSec));
}
