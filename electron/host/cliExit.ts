import { assertNever, type ErrorCode, type ErrorPayload } from '../../shared/errors';

/**
 * The CLI's exit codes, one per kind of answer. Every command documents them in `--help`; scripts
 * branch on them.
 *   0  done
 *   1  INTERNAL, or the work itself failed (a job, ffmpeg, the provider, the disk, a conflict)
 *   2  refused before anything ran: a usage mistake or VALIDATION (one line naming the flag or field),
 *      POLICY_REFUSED (the rule and the ways out), INSUFFICIENT_CREDITS, FORBIDDEN
 *   3  NOT_FOUND: an id or name that names nothing
 */
export const EXIT = { ok: 0, failed: 1, refused: 2, notFound: 3 } as const;

export const EXIT_CODES_HELP = [
  'Exit codes:',
  '  0  done',
  '  1  INTERNAL, or the work failed (a job, ffmpeg, the provider, the disk, a conflict); INTERNAL may print more than one line',
  '  2  refused before anything ran: a usage mistake or VALIDATION (one line naming the flag or field), POLICY_REFUSED (the rule',
  '     and the ways out), INSUFFICIENT_CREDITS (the ways out), FORBIDDEN',
  '  3  NOT_FOUND: an id or name that names nothing',
  'With --json, an error is also printed on stdout as {"ok":false,"error":{"code","message","details"}}.',
].join('\n');

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'VALIDATION':
    case 'POLICY_REFUSED':
    case 'INSUFFICIENT_CREDITS':
    case 'FORBIDDEN':
    case 'UNAUTHORIZED':
    case 'UNKNOWN_METHOD':
    case 'TOO_LARGE':
      return EXIT.refused;
    case 'NOT_FOUND':
      return EXIT.notFound;
    case 'CONFLICT':
    case 'CANCELLED':
    case 'PROVIDER_FAILED':
    case 'FFMPEG_FAILED':
    case 'MEDIA_UNSUPPORTED':
    case 'IO_FAILED':
    case 'DB_FROM_FUTURE':
    case 'DB_CORRUPT':
    case 'DB_READONLY':
    case 'DB_UNAVAILABLE':
    case 'STUDIO_UNREACHABLE':
    case 'PORT_IN_USE':
    case 'RATE_LIMITED':
    case 'INTERNAL':
      return EXIT.failed;
    default:
      return assertNever(code, 'error code');
  }
}

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();

/**
 * The stderr text for an error: one line for everything but INTERNAL. A POLICY_REFUSED line names the
 * rule and carries the ways out (when the message does not already).
 */
export function errorLines(e: ErrorPayload): string {
  if (e.code === 'INTERNAL') return e.message;
  let line = oneLine(e.message);
  if (e.code === 'POLICY_REFUSED' || e.code === 'INSUFFICIENT_CREDITS') {
    const d = (e.details ?? {}) as { rule?: unknown; refusals?: { rule?: unknown; waysOut?: { text?: unknown }[] }[] };
    const rule = typeof d.rule === 'string' ? d.rule : typeof d.refusals?.[0]?.rule === 'string' ? d.refusals[0].rule : undefined;
    const ways = (d.refusals?.[0]?.waysOut ?? []).map((w) => w.text).filter((t): t is string => typeof t === 'string');
    if (ways.length > 0 && !/ways out/i.test(line)) line += ` Ways out: ${ways.join('; ')}.`;
    if (rule && !line.includes(`rule: ${rule}`)) line += ` (rule: ${rule})`;
  }
  return line;
}
