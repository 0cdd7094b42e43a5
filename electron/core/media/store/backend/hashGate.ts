import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * A pass-through that hashes what flows and holds the last chunk back until the end: if the bytes do
 * not hash to `sha256` (or are not `sizeBytes` long) the stream errors instead of delivering that last
 * chunk, so whatever consumes it (an upload, a file being written) never sees a complete, wrong object.
 */
export class HashMismatchError extends Error {
  override name = 'HashMismatchError';
  constructor(
    readonly expected: string,
    readonly got: string,
    readonly sizeBytes: number,
  ) {
    super(`sha256 ${got} (${sizeBytes} bytes) instead of ${expected}`);
  }
}

export function hashGate(sha256: string, sizeBytes?: number): Transform {
  const hash = createHash('sha256');
  let held: Buffer | null = null;
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      hash.update(chunk);
      size += chunk.length;
      const out = held;
      held = chunk;
      cb(null, out ?? undefined);
    },
    flush(cb: TransformCallback) {
      const got = hash.digest('hex');
      if (got !== sha256 || (sizeBytes !== undefined && size !== sizeBytes)) {
        cb(new HashMismatchError(sha256, got, size));
        return;
      }
      cb(null, held ?? undefined);
    },
  });
}
