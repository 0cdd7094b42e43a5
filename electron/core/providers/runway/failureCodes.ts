import { ProviderCallError, type RetryVerdict, type TaskState } from '../provider';

export type FailureCategory =
  | 'safety-input'
  | 'safety-output'
  | 'bad-output'
  | 'preprocessing-safety'
  | 'preprocessing-internal'
  | 'asset-invalid'
  | 'internal'
  | 'unknown';

/** What the user (or the queue) can do about it. */
export type FailureAdvice = 'change-input' | 'change-prompt' | 'fix-input' | 'retry' | 'ask-user';

export interface FailureClass {
  category: FailureCategory;
  /** 'retry': the queue may create a new task automatically; 'fatal': fail the job. */
  verdict: Extract<RetryVerdict, 'retry' | 'fatal'>;
  /** How many automatic retries make sense (INTERNAL.BAD_OUTPUT rarely succeeds: one). */
  maxAutoRetries: number;
  advice: FailureAdvice;
  /** Whether Runway refunds it; null when not documented (settle on the task's cost either way). */
  isRefundable: boolean | null;
  /** Counts against the provider's health (the circuit breaker). */
  isProviderFault: boolean;
  /** Safe to show: names no prompt, and none of Runway's internal failure text. */
  userMessage: string;
}

const c = (x: FailureClass): FailureClass => x;

/**
 * Classifies a FAILED task's failureCode (docs/runway.md §4 "Failures"; dot-separated, most
 * general part first). Pure: the table test pins every row.
 */
export function classifyFailureCode(code: string | undefined | null): FailureClass {
  const parts = (code ?? '').trim().toUpperCase().split('.');
  const [a, b, d] = parts;
  if (a === 'SAFETY' && b === 'INPUT') {
    const which = d ? ` (${d.toLowerCase()})` : '';
    return c({ category: 'safety-input', verdict: 'fatal', maxAutoRetries: 0, advice: 'change-input', isRefundable: false, isProviderFault: false, userMessage: `Runway's moderation blocked the input${which}. Change the prompt or image; retrying as is will not help.` });
  }
  if (a === 'SAFETY' && (b === 'OUTPUT' || b === undefined || b === '')) {
    return c({ category: 'safety-output', verdict: 'fatal', maxAutoRetries: 0, advice: 'change-prompt', isRefundable: null, isProviderFault: false, userMessage: "Runway's moderation blocked the generated video. Try again with a different prompt." });
  }
  if (a === 'INTERNAL' && b === 'BAD_OUTPUT') {
    return c({ category: 'bad-output', verdict: 'retry', maxAutoRetries: 1, advice: 'retry', isRefundable: null, isProviderFault: false, userMessage: 'Runway rejected its own output for quality. A retry is allowed but rarely helps; text or graphics on the input image are a common cause.' });
  }
  if (a === 'INPUT_PREPROCESSING' && b === 'SAFETY') {
    return c({ category: 'preprocessing-safety', verdict: 'fatal', maxAutoRetries: 0, advice: 'change-prompt', isRefundable: null, isProviderFault: false, userMessage: 'Runway rejected the prompt text. Change the prompt.' });
  }
  if (a === 'INPUT_PREPROCESSING' && b === 'INTERNAL') {
    return c({ category: 'preprocessing-internal', verdict: 'retry', maxAutoRetries: 2, advice: 'retry', isRefundable: null, isProviderFault: true, userMessage: "Runway's moderation step failed on its side. Retrying." });
  }
  if (a === 'ASSET') {
    return c({ category: 'asset-invalid', verdict: 'fatal', maxAutoRetries: 0, advice: 'fix-input', isRefundable: null, isProviderFault: false, userMessage: 'Runway could not use the input image. Check the file (format, size, reachable HTTPS URL) and submit again.' });
  }
  if (a === 'INTERNAL') {
    return c({ category: 'internal', verdict: 'retry', maxAutoRetries: 2, advice: 'retry', isRefundable: null, isProviderFault: true, userMessage: 'Runway failed on its side. Retrying.' });
  }
  return c({ category: 'unknown', verdict: 'fatal', maxAutoRetries: 0, advice: 'ask-user', isRefundable: null, isProviderFault: false, userMessage: `Runway failed the task${code ? ` (${code})` : ''} without a known reason. Check the take's inputs and retry by hand if it looks right.` });
}

/** A FAILED task as the error the queue records: verdict from the failure code, cost in details. */
export function failedTaskError(taskId: string, state: TaskState): ProviderCallError {
  const k = classifyFailureCode(state.failureCode);
  return new ProviderCallError(k.userMessage, {
    verdict: k.verdict,
    isProviderFault: k.isProviderFault,
    details: { taskId, failureCode: state.failureCode ?? null, category: k.category, advice: k.advice, maxAutoRetries: k.maxAutoRetries, isRefundable: k.isRefundable, costCredits: state.costCredits ?? null },
  });
}
