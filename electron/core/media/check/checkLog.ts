/**
 * Pure parser for the auto-check's stderr (`-loglevel level+info`): detector results and error lines.
 * Lines look like `[blackdetect @ 0x55d…] [info] black_start:0 black_end:4.9 black_duration:4.9`
 * or `[fatal] file:/x.mp4: corrupt input packet in stream 0`; errors are found by their level tag.
 */
export interface LogLine {
  /** The filter or component in `[name @ 0x…]`, without the address. */
  context: string | null;
  level: string | null;
  text: string;
}

const LINE = /^(?:\[([A-Za-z0-9_.:-]+) @ 0x[0-9a-f]+\]\s*)?(?:\[(panic|fatal|error|warning|info|verbose|debug|trace)\]\s*)?(.*)$/;

export function parseLogLine(line: string): LogLine {
  const m = LINE.exec(line.trim());
  return { context: m?.[1] ?? null, level: m?.[2] ?? null, text: (m?.[3] ?? line).trim() };
}

export const isErrorLevel = (level: string | null): boolean => level === 'error' || level === 'fatal' || level === 'panic';

/** Cheap filter for lines worth keeping while a check runs (the log can be long). */
export function isInterestingLine(line: string): boolean {
  return /blackdetect|freezedetect|volumedetect|\[(error|fatal|panic)\]/.test(line);
}

export interface Interval {
  start: number;
  /** null when the stream ended inside the interval (old freezedetect prints no end then). */
  end: number | null;
}

export interface DetectorLog {
  black: Interval[];
  freeze: Interval[];
  /** volumedetect's summary, when audio went through it. -Infinity for digital silence. */
  volume: { meanDb: number; maxDb: number } | null;
  /** Text of lines logged at error level or worse, in order. */
  errors: string[];
}

const dB = (s: string): number => (/^-?inf$/i.test(s) ? -Infinity : Number(s));

export function parseDetectorLog(lines: Iterable<string>): DetectorLog {
  const out: DetectorLog = { black: [], freeze: [], volume: null, errors: [] };
  let mean: number | null = null;
  let max: number | null = null;
  for (const raw of lines) {
    const l = parseLogLine(raw);
    if (isErrorLevel(l.level)) {
      out.errors.push(l.text);
      continue;
    }
    const ctx = l.context ?? '';
    if (ctx.includes('blackdetect')) {
      const m = /black_start:\s*(-?[\d.]+)\s+black_end:\s*(-?[\d.]+)/.exec(l.text);
      if (m) out.black.push({ start: Number(m[1]), end: Number(m[2]) });
    } else if (ctx.includes('freezedetect')) {
      const s = /freeze_start:\s*(-?[\d.]+)/.exec(l.text);
      const e = /freeze_end:\s*(-?[\d.]+)/.exec(l.text);
      if (s) out.freeze.push({ start: Number(s[1]), end: null });
      else if (e) {
        const open = out.freeze[out.freeze.length - 1];
        if (open && open.end === null) open.end = Number(e[1]);
      }
    } else if (ctx.includes('volumedetect')) {
      const mv = /mean_volume:\s*(-?(?:[\d.]+|inf))\s*dB/i.exec(l.text);
      const xv = /max_volume:\s*(-?(?:[\d.]+|inf))\s*dB/i.exec(l.text);
      if (mv) mean = dB(mv[1]!);
      if (xv) max = dB(xv[1]!);
    }
  }
  if (mean !== null && max !== null) out.volume = { meanDb: mean, maxDb: max };
  return out;
}

/**
 * Seconds covered by intervals within [0, total], open ends running to `total`, overlaps merged.
 * Detectors time a run from its first to its last frame's start, so a run reaching the last frame
 * is extended by one frame (`frameSec`) to cover it.
 */
export function coveredSeconds(intervals: readonly Interval[], total: number, frameSec: number): number {
  const spans = intervals
    .map((i) => {
      const end = i.end === null ? total : i.end >= total - frameSec * 1.5 ? total : i.end;
      return [Math.max(0, i.start), Math.min(total, end)] as const;
    })
    .filter(([a, b]) => b > a)
    .sort((a, b) => a[0] - b[0]);
  let sum = 0;
  let curA = -1;
  let curB = -1;
  for (const [a, b] of spans) {
    if (a > curB) {
      if (curB > curA) sum += curB - curA;
      curA = a;
      curB = b;
    } else curB = Math.max(curB, b);
  }
  if (curB > curA) sum += curB - curA;
  return sum;
}
