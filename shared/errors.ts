/**
 * The one error type that crosses layers. Core throws AppError; adapters (IPC, host, CLI)
 * convert once, at the edge, into an ErrorPayload. The code union is closed: callers branch on it.
 */
export const ERROR_CODES = [
  'VALIDATION',
  'NOT_FOUND',
  'UNKNOWN_METHOD',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'CONFLICT',
  'INSUFFICIENT_CREDITS',
  'POLICY_REFUSED',
  'CANCELLED',
  'PROVIDER_FAILED',
  'FFMPEG_FAILED',
  'MEDIA_UNSUPPORTED',
  'IO_FAILED',
  'DB_FROM_FUTURE',
  'DB_CORRUPT',
  'DB_READONLY',
  'DB_UNAVAILABLE',
  'STUDIO_UNREACHABLE',
  'PORT_IN_USE',
  'RATE_LIMITED',
  'TOO_LARGE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }

  toPayload(): ErrorPayload {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (error: ErrorPayload): Result<never> => ({ ok: false, error });

export function assertNever(x: never, what = 'value'): never {
  throw new AppError('INTERNAL', `Unexpected ${what}: ${JSON.stringify(x)}`);
}

/** Turns a zod-style issue list into a message that names the field and the way out. */
export interface IssueLike {
  path: ReadonlyArray<PropertyKey>;
  message: string;
}

export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(input)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

export function validationError(issues: ReadonlyArray<IssueLike>, context?: string): AppError {
  const first = issues[0];
  const field = first ? formatIssuePath(first.path) : '(input)';
  const msg = first ? `${field}: ${first.message}` : 'invalid input';
  return new AppError('VALIDATION', context ? `${context}: ${msg}` : msg, {
    field,
    issues: issues.map((i) => ({ field: formatIssuePath(i.path), message: i.message })),
  });
}
