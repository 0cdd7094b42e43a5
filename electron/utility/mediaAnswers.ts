import { closeSync, fstatSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ResolvedFile, MediaResolver, ResolvedMedia } from '../core/media/mediaResolver';
import { answerMediaRequest } from '../core/media/serve/mediaRequest';
import type { MediaRequest, PullAnswer, WireMediaAnswer } from './protocol';

/**
 * The media protocols' answers, made in the core process (which owns the database and the stores) and
 * sent to main as data: a local file as its path, class root and size (main re-opens it with
 * openInside, so the inside-the-root check runs again on the descriptor main streams from), an object
 * in a bucket as a stream id main pulls chunk by chunk (backpressure: one chunk per pull).
 */
export class MediaAnswers {
  private readonly streams = new Map<string, { open: () => Promise<Readable>; it?: AsyncIterator<unknown>; readable?: Readable }>();
  private next = 1;

  constructor(private readonly resolve: MediaResolver) {}

  async answer(req: MediaRequest): Promise<WireMediaAnswer> {
    let seen: ResolvedMedia | null = null;
    const a = await answerMediaRequest(req, req.cls, async (id, cls) => (seen = await this.resolve(id, cls)));
    if (!a.body) return { status: a.status, headers: a.headers, body: null };
    if ('fd' in a.body) {
      const { fd, start, end } = a.body;
      let size: number;
      try {
        size = fstatSync(fd).size;
      } finally {
        closeSync(fd);
      }
      const f = seen as unknown as ResolvedFile;
      return { status: a.status, headers: a.headers, body: { file: f.file, root: f.root, size, start, end } };
    }
    const stream = `s${this.next++}`;
    this.streams.set(stream, { open: a.body.open });
    return { status: a.status, headers: a.headers, body: { stream } };
  }

  async pull(stream: string): Promise<PullAnswer> {
    const s = this.streams.get(stream);
    if (!s) return { done: true };
    if (!s.it) {
      s.readable = await s.open();
      s.it = s.readable[Symbol.asyncIterator]();
    }
    const r = await s.it.next();
    if (r.done) {
      this.streams.delete(stream);
      return { done: true };
    }
    const b = r.value as Buffer;
    return { done: false, chunk: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) };
  }

  cancel(stream: string): void {
    this.streams.get(stream)?.readable?.destroy();
    this.streams.delete(stream);
  }

  dispose(): void {
    for (const s of this.streams.keys()) this.cancel(s);
  }
}
