import { AppError } from '../../../../../shared/errors';
import { redactSecrets } from '../../../providers/runway/keySource';

/**
 * SDK failure → one AppError that names the bucket, the cause, the setting to change and the way out.
 * Every message goes through the same redaction as the Runway key (the access key and secret, when
 * known, never appear). `details.setting` names where to fix it; `details.reason` is stable for tests.
 */
export interface S3ErrorContext {
  bucket: string;
  /** Endpoint or 'AWS' — no credentials. */
  where: string;
  /** What we were doing, e.g. "store the preview clip abc…". */
  doing: string;
  secrets: readonly string[];
}

export const STORE_SETTING = 'CIRCLETAKE_STORE_URL';
const CREDENTIALS = 'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY';

interface SdkErrorLike {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

function causeCode(e: SdkErrorLike): string | undefined {
  let at: unknown = e;
  for (let i = 0; i < 4 && at && typeof at === 'object'; i++) {
    const c = (at as SdkErrorLike).code;
    if (typeof c === 'string' && /^E[A-Z]+/.test(c)) return c;
    at = (at as SdkErrorLike).cause ?? (at as { errors?: unknown[] }).errors?.[0];
  }
  return undefined;
}

export function s3Error(e: unknown, ctx: S3ErrorContext): AppError {
  if (e instanceof AppError) return e;
  const err = (e ?? {}) as SdkErrorLike;
  const name = err.name ?? err.Code ?? 'Error';
  const status = err.$metadata?.httpStatusCode;
  const net = causeCode(err);
  const at = `bucket "${ctx.bucket}" at ${ctx.where}`;
  const make = (reason: string, text: string, setting: string): AppError =>
    new AppError('IO_FAILED', redactSecrets(`Could not ${ctx.doing}: ${text}`, ctx.secrets), { reason, setting, bucket: ctx.bucket }, { cause: e });

  if (name === 'AbortError' || name === 'RequestAbortedError') return new AppError('CANCELLED', `Cancelled while trying to ${ctx.doing}; nothing was recorded.`);
  if (net === 'ECONNRESET' || net === 'EPIPE' || net === 'ECONNABORTED') {
    return make('reset', `the connection to the ${at} was cut mid-request (${net}); nothing was recorded. Try again; if it repeats, check the network path to the store.`, STORE_SETTING);
  }
  if (net || name === 'TimeoutError' || name === 'NetworkingError') {
    return make('unreachable', `the object store at ${ctx.where} cannot be reached (${net ?? name}). Check the endpoint in ${STORE_SETTING} and that the server is up.`, STORE_SETTING);
  }
  if (name === 'NoSuchBucket' || (name === 'NotFound' && ctx.doing.startsWith('check the bucket'))) {
    return make('no-bucket', `the ${at} does not exist. Create it, or fix the bucket name in ${STORE_SETTING}.`, STORE_SETTING);
  }
  if (name === 'RequestTimeTooSkewed') {
    return make('clock-skew', `the ${at} says this computer's clock is too far off (RequestTimeTooSkewed). Set the system clock to the right time (enable NTP).`, 'system clock');
  }
  if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'InvalidToken', 'ExpiredToken', 'CredentialsProviderError'].includes(name) || status === 403) {
    return make('credentials', `the ${at} refused the credentials (${name}). Check ${CREDENTIALS} (or AWS_PROFILE) and that they may use this bucket.`, CREDENTIALS);
  }
  if (['BadDigest', 'InvalidDigest', 'XAmzContentSHA256Mismatch', 'InvalidChecksum'].includes(name)) {
    return make('checksum', `the ${at} received bytes that do not match their sha256 (${name}); nothing was stored. Try again; if it repeats, check the network path to the store.`, STORE_SETTING);
  }
  if (name === 'SlowDown' || status === 503) {
    return make('slow-down', `the ${at} asked us to slow down (${name}) and kept refusing after retries. Try again in a minute.`, STORE_SETTING);
  }
  return make('failed', `the ${at} answered ${name}${status ? ` (HTTP ${status})` : ''}: ${String(err.message ?? '').slice(0, 200)}`, STORE_SETTING);
}

/** A checksum mismatch found by our own streaming hash (the server may not check). */
export function checksumMismatch(ctx: S3ErrorContext, expected: string, got: string): AppError {
  return new AppError(
    'IO_FAILED',
    `Could not ${ctx.doing}: the bytes read hash to ${got.slice(0, 12)}…, not the ${expected.slice(0, 12)}… recorded for them, so nothing was stored in bucket "${ctx.bucket}". The source changed while it was uploaded; try again.`,
    { reason: 'checksum', setting: STORE_SETTING, bucket: ctx.bucket, expected, got },
  );
}
