import type { ErrorCode } from '../../shared/errors';
import { assertNever } from '../../shared/errors';

/** The HTTP status for an error code crossing the host door. */
export function statusFor(code: ErrorCode): number {
  switch (code) {
    case 'VALIDATION':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'INSUFFICIENT_CREDITS':
      return 402;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
    case 'UNKNOWN_METHOD':
      return 404;
    case 'CONFLICT':
    case 'DB_FROM_FUTURE':
      return 409;
    case 'POLICY_REFUSED':
    case 'MEDIA_UNSUPPORTED':
      return 422;
    case 'TOO_LARGE':
      return 413;
    case 'RATE_LIMITED':
      return 429;
    case 'CANCELLED':
      return 499;
    case 'PROVIDER_FAILED':
      return 502;
    case 'DB_UNAVAILABLE':
    case 'STUDIO_UNREACHABLE':
      return 503;
    case 'FFMPEG_FAILED':
    case 'IO_FAILED':
    case 'DB_CORRUPT':
    case 'DB_READONLY':
    case 'PORT_IN_USE':
    case 'INTERNAL':
      return 500;
    default:
      return assertNever(code, 'error code');
  }
}
