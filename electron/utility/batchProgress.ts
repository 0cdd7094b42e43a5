/**
 * What the taskbar shows and when to notify: a batch is the run of jobs between two idle moments.
 * Pure (no Electron), so it is tested under Node; the core process (electron/utility/coreService.ts) feeds it; main applies the result.
 */
export interface BatchState {
  /** Jobs seen active since the queue was last idle, and which of them have finished. */
  seen: ReadonlySet<string>;
  finished: ReadonlyMap<string, 'ok' | 'failed'>;
}

export const IDLE: BatchState = { seen: new Set(), finished: new Map() };

const ACTIVE = new Set(['queued', 'paused', 'running']);
const OK = new Set(['succeeded', 'partial']);

export interface BatchUpdate {
  state: BatchState;
  /** Taskbar progress: -1 clears it; 0..1 the share of the batch finished. */
  progress: number;
  /** Set once, when the last job of a batch finishes. */
  notice: { title: string; body: string } | null;
}

export function onJobChanged(state: BatchState, job: { id: string; status: string }): BatchUpdate {
  const seen = new Set(state.seen);
  const finished = new Map(state.finished);
  if (ACTIVE.has(job.status)) {
    seen.add(job.id);
    finished.delete(job.id);
  } else if (seen.has(job.id)) {
    finished.set(job.id, OK.has(job.status) ? 'ok' : 'failed');
  }
  if (seen.size > 0 && finished.size === seen.size) {
    const failed = [...finished.values()].filter((v) => v === 'failed').length;
    const n = seen.size;
    return {
      state: IDLE,
      progress: -1,
      notice: {
        title: failed === 0 ? 'Circle Take: batch finished' : 'Circle Take: batch finished with failures',
        body: `${n} job${n === 1 ? '' : 's'} done${failed ? `, ${failed} failed or cancelled` : ''}.`,
      },
    };
  }
  return { state: { seen, finished }, progress: seen.size === 0 ? -1 : finished.size / seen.size, notice: null };
}
