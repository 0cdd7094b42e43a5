import type { JobStatus } from '../../../shared/contract/jobs';
import type { TaskRow } from './jobRepo';

/**
 * Provider failure codes worth another task (Runway: INTERNAL.BAD_OUTPUT.* "allowed, rarely succeeds";
 * INTERNAL.* retry). Moderation (SAFETY.*), bad input (ASSET.INVALID, INPUT_PREPROCESSING.*) never retry.
 */
export function isRetryableFailure(code: string | undefined | null): boolean {
  if (!code) return false;
  if (code.startsWith('SAFETY.') || code.startsWith('ASSET.') || code.startsWith('INPUT_PREPROCESSING.')) return false;
  return code === 'INTERNAL' || code.startsWith('INTERNAL.');
}

export interface JobOutcome {
  status: JobStatus;
  code: string | null;
  message: string | null;
}

/** The job's terminal status from its tasks (all of which have left pending/intent/submitted). */
export function jobOutcome(tasks: readonly Pick<TaskRow, 'status' | 'failure_code' | 'failure' | 'n'>[], isCancelRequested: boolean): JobOutcome {
  const unknown = tasks.filter((t) => t.status === 'unknown');
  if (unknown.length > 0) {
    return {
      status: 'unknown',
      code: 'UNKNOWN_OUTCOME',
      message: `The provider may or may not have created ${unknown.length === 1 ? 'variation' : 'variations'} ${unknown.map((t) => t.n + 1).join(', ')}. The reservation is held until you decide: resubmit (risking a duplicate charge) or abandon.`,
    };
  }
  const ok = tasks.filter((t) => t.status === 'succeeded').length;
  if (ok === tasks.length) return { status: 'succeeded', code: null, message: null };
  const failed = tasks.find((t) => t.status === 'failed');
  if (ok > 0) {
    return { status: 'partial', code: failed?.failure_code ?? 'CANCELLED', message: `${ok} of ${tasks.length} variations finished.${failed?.failure ? ` Last failure: ${failed.failure}` : ''}` };
  }
  if (isCancelRequested) return { status: 'cancelled', code: 'CANCELLED', message: null };
  return { status: 'failed', code: failed?.failure_code ?? 'FAILED', message: failed?.failure ?? 'Every variation failed.' };
}
