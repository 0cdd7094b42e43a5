import { AppError } from '../../../shared/errors';

/**
 * A small FIFO concurrency limit (the checker's and thumbnailer's "worker pool": the work itself runs
 * in ffmpeg child processes and libvips threads, so the pool only caps how many run at once).
 * A waiter whose signal aborts leaves the line with CANCELLED; dispose() cancels every waiter.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: { start: () => void; fail: (e: unknown) => void }[] = [];
  private isDisposed = false;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a limiter needs a size of at least 1 (got ${size})`);
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.start();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (this.isDisposed) return Promise.reject(new AppError('CANCELLED', 'Circle Take is shutting down.'));
    if (signal?.aborted) return Promise.reject(new AppError('CANCELLED', 'Cancelled before it started.'));
    if (this.active < this.size) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          this.active++;
          resolve();
        },
        fail: (e: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new AppError('CANCELLED', 'Cancelled while waiting for a free worker.'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  dispose(): void {
    this.isDisposed = true;
    for (const w of this.waiting.splice(0)) w.fail(new AppError('CANCELLED', 'Circle Take is shutting down.'));
  }
}
