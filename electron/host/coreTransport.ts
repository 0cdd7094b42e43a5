import type { Result } from '../../shared/errors';
import type { CoreStatus } from '../../shared/contract/system';
import type { MediaRequest, WireCallContext } from '../utility/protocol';

/**
 * How Electron main reaches a core it does not host. Main only relays: the renderer's contract calls
 * (ipc.ts), the core's events (to every window), and the media protocols (mediaProtocol.ts) all go
 * through this one seam.
 *
 * Implementations:
 * - local mode: `SupervisedCore` (supervisedCore.ts) over a utilityProcess running electron/utility
 *   (the core with SQLite, the queue, ffmpeg orchestration and hashing, off main's thread);
 * - remote mode (issue #18, "Connect to a studio"): StudioTransport (studioTransport.ts) — `call` as
 *   `POST /rpc/<name>` with the user's token, `subscribe` over the studio's one WebSocket, `media` as
 *   `GET /media/<id>` streamed through, `onStatus` from the socket's reachability — chosen in
 *   index.ts's `startTransport` instead of the utility process (today from CIRCLETAKE_STUDIO_URL/_TOKEN). The renderer cannot tell them apart.
 */
export interface CoreTransport {
  /** One contract call; never rejects: every outcome (a stopped core included) is a Result. */
  call(name: string, input: unknown, ctx: WireCallContext): Promise<Result<unknown>>;
  /** The core's event stream (every session's events), in order. Returns the unsubscribe. */
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
  /** A media-preview:/media-release: request answered as a fetch Response's parts. */
  media(req: MediaRequest): Promise<MediaResponse>;
  /** The core stopped, came back, or is gone for good (shown to the user as `system.coreStatus`). */
  onStatus(listener: (status: CoreStatus) => void): () => void;
  /** Quit: the core disposes itself (bounded wait), then the connection or process is closed. */
  dispose(): Promise<void>;
}

export interface MediaResponse {
  status: number;
  headers: Record<string, string>;
  body: ReadableStream<Uint8Array> | null;
}
