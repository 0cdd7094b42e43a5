import type { Job } from '../../shared/contract/jobs';

export interface JobTrouble {
  /** One or two sentences a person can act on: what happened, and whose side it is. */
  reason: string;
  /** Whether the prompt or inputs need changing (edit & retry) rather than a plain retry. */
  isInputProblem: boolean;
}

/** A failed or UNKNOWN job's reason in plain words, from its error code (provider codes are dotted). Pure. */
export function jobTrouble(j: Pick<Job, 'status' | 'errorCode' | 'errorMessage' | 'tasks'>): JobTrouble {
  if (j.status === 'unknown') {
    return {
      reason: 'The connection dropped while the provider was starting this job, so nobody knows whether it was created (and charged). Decide: treat it as not created, or resubmit and maybe pay twice.',
      isInputProblem: false,
    };
  }
  const code = j.errorCode ?? j.tasks.find((t) => t.failureCode)?.failureCode ?? '';
  if (code.startsWith('SAFETY.')) return { reason: "The provider's moderation refused the prompt or image. Edit the prompt and try again.", isInputProblem: true };
  if (code.startsWith('ASSET.') || code.startsWith('INPUT_PREPROCESSING.')) return { reason: 'The provider could not use the input image or clip. Change the input and try again.', isInputProblem: true };
  if (code === 'VALIDATION') return { reason: `The provider refused these settings${j.errorMessage ? ` (${j.errorMessage})` : ''}. Edit them and try again.`, isInputProblem: true };
  if (code === 'RETRIES_EXHAUSTED' || code === 'INTERNAL' || code.startsWith('INTERNAL.')) {
    return { reason: "The provider failed on its side several times; your prompt is not the problem. Retry later (failed renders were not charged).", isInputProblem: false };
  }
  if (code === 'NO_OUTPUT') return { reason: 'The provider said it finished but sent no clip. Retry.', isInputProblem: false };
  if (code === 'IO_FAILED' || code === 'MEDIA_UNSUPPORTED') return { reason: 'The clip arrived but could not be stored or read (disk full, or a broken file). Free some space and retry.', isInputProblem: false };
  if (code === 'INSUFFICIENT_CREDITS' || code === 'POLICY_REFUSED') return { reason: `${j.errorMessage ?? 'The plan refused this job.'}`, isInputProblem: true };
  return { reason: j.errorMessage ? `${j.errorMessage}` : 'The job failed without a reason from the provider. Retry, or discard it.', isInputProblem: false };
}
