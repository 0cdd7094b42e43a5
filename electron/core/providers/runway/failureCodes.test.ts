import { describe, expect, it } from 'vitest';
import { classifyFailureCode, failedTaskError } from './failureCodes';

describe('Runway failure codes', () => {
  // code → [category, verdict, advice, refundable, provider fault]
  it.each([
    ['SAFETY.INPUT.TEXT', 'safety-input', 'fatal', 'change-input', false, false],
    ['SAFETY.INPUT.IMAGE', 'safety-input', 'fatal', 'change-input', false, false],
    ['safety.input.text', 'safety-input', 'fatal', 'change-input', false, false],
    ['SAFETY.OUTPUT.VIDEO', 'safety-output', 'fatal', 'change-prompt', null, false],
    ['SAFETY.OUTPUT', 'safety-output', 'fatal', 'change-prompt', null, false],
    ['INTERNAL.BAD_OUTPUT.CODE01', 'bad-output', 'retry', 'retry', null, false],
    ['INPUT_PREPROCESSING.SAFETY.TEXT', 'preprocessing-safety', 'fatal', 'change-prompt', null, false],
    ['INPUT_PREPROCESSING.INTERNAL', 'preprocessing-internal', 'retry', 'retry', null, true],
    ['ASSET.INVALID', 'asset-invalid', 'fatal', 'fix-input', null, false],
    ['INTERNAL', 'internal', 'retry', 'retry', null, true],
    ['INTERNAL.TIMEOUT', 'internal', 'retry', 'retry', null, true],
    ['SOMETHING.NEW', 'unknown', 'fatal', 'ask-user', null, false],
    [undefined, 'unknown', 'fatal', 'ask-user', null, false],
  ] as const)('%s', (code, category, verdict, advice, isRefundable, isProviderFault) => {
    const k = classifyFailureCode(code);
    expect({ category: k.category, verdict: k.verdict, advice: k.advice, isRefundable: k.isRefundable, isProviderFault: k.isProviderFault }).toEqual({ category, verdict, advice, isRefundable, isProviderFault });
    expect(k.userMessage.length).toBeGreaterThan(10);
  });

  it('a bad output allows one automatic retry only', () => {
    expect(classifyFailureCode('INTERNAL.BAD_OUTPUT.CODE01').maxAutoRetries).toBe(1);
    expect(classifyFailureCode('SAFETY.INPUT.TEXT').maxAutoRetries).toBe(0);
  });

  it('a FAILED task becomes a ProviderCallError with the cost, without Runway\'s internal text', () => {
    const e = failedTaskError('t1', { status: 'FAILED', failureCode: 'SAFETY.INPUT.TEXT', failure: 'internal moderation detail', costCredits: 60 });
    expect(e.verdict).toBe('fatal');
    expect(e.isProviderFault).toBe(false);
    expect(e.message).not.toContain('internal moderation detail');
    expect(e.details).toMatchObject({ taskId: 't1', failureCode: 'SAFETY.INPUT.TEXT', costCredits: 60, isRefundable: false });
  });
});
