/**
 * Keeping a client posted while a long call runs (the studio's side: idempotentCall.ts; the client's:
 * studioClient.ts). Constants only, so the desktop's main process can name the header without loading the
 * host's HTTP side.
 */

/** The request header a client sends to be kept posted while a long call runs (StudioClient does). */
export const HEARTBEAT_HEADER = 'x-circletake-heartbeat';
/** A call still running this long gets its 200 and a space, then a space this often, until its answer. */
export const HEARTBEAT_TIMING = { firstMs: 5_000, everyMs: 10_000 };
