/**
 * Pure parsing of an HTTP Range header for one file (video elements seek with `bytes=start-end`).
 * Only single ranges are served; a multi-range request gets the whole file, as RFC 9110 allows.
 */
export type RangeResult = { kind: 'whole' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

export function parseRange(header: string | undefined | null, size: number): RangeResult {
  if (!header) return { kind: 'whole' };
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'whole' };
  if (size === 0) return { kind: 'unsatisfiable' };
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

/** Response headers for a media body (whole or partial). */
export function rangeHeaders(r: RangeResult, size: number, contentType: string): { status: number; headers: Record<string, string> } {
  const base = { 'content-type': contentType, 'accept-ranges': 'bytes', 'x-content-type-options': 'nosniff', 'cache-control': 'private, max-age=3600' };
  switch (r.kind) {
    case 'whole':
      return { status: 200, headers: { ...base, 'content-length': String(size) } };
    case 'partial':
      return { status: 206, headers: { ...base, 'content-length': String(r.end - r.start + 1), 'content-range': `bytes ${r.start}-${r.end}/${size}` } };
    case 'unsatisfiable':
      return { status: 416, headers: { ...base, 'content-length': '0', 'content-range': `bytes */${size}` } };
  }
}
