export { AdaptiveConcurrency, concurrencyOptionsFromPlan, type AdaptiveConcurrencyOptions, type ConcurrencyChange, type PlanConcurrency } from './adaptiveConcurrency';
export { assertBackoffPolicy, backoffCapMs, backoffFromPlan, decideRetry, fullJitterDelayMs, type BackoffPolicy, type FailedTry, type GiveUpReason, type PlanBackoff, type RetryDecision } from './backoff';
export {
  BreakerOpenError,
  breakerOptionsFromPlan,
  CircuitBreaker,
  isProviderFailure,
  type BreakerPermit,
  type BreakerSnapshot,
  type BreakerState,
  type CircuitBreakerOptions,
  type OpenReason,
  type PlanCircuitBreaker,
} from './circuitBreaker';
export { RetriesStoppedError, withRetry, type RetryEvent, type WithRetryOptions } from './retry';
export { mathRng, seededRng, type Rng } from './rng';
export { percentile, RollingWindow, type WindowStats } from './rollingWindow';
export { realSleep, type Sleep } from './sleep';
export { TokenBucket, type TokenBucketOptions } from './tokenBucket';
export { WindowSeries } from './windowSeries';
