export { AdaptiveConcurrency, concurrencyOptionsFromPlan, type AdaptiveConcurrencyOptions, type ConcurrencyChange, type PlanConcurrency } from './adaptiveConcurrency';
export { assertBackoffPolicy, backoffCapMs, backoffFromPlan, fullJitterDelayMs, type BackoffPolicy, type PlanBackoff } from './backoff';
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
export { mathRng, seededRng, type Rng } from './rng';
export { percentile, RollingWindow, type WindowStats } from './rollingWindow';
export { TokenBucket, type TokenBucketOptions } from './tokenBucket';
export { WindowSeries } from './windowSeries';
