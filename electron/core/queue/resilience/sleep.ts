import { AppError } from '../../../../shared/errors';

/** Waits `ms`, or rejects with AppError('CANCELLED') when the signal fires. Injected so tests use a fake clock. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AppError('CANCELLED', 'Stopped while waiting to retry.'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AppError('CANCELLED', 'Stopped while waiting to retry.'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
