import { useEffect, useMemo, useState } from 'react';
import type { EstimateResult, Quote } from '../../../shared/contract/credits';
import type { EstimateParamsInput } from '../../../shared/money/params';
import { useAppStore } from '../../store';
import { errorText } from '../errorText';

export interface LiveEstimate {
  /** The params this answer is for (JSON), so a stale answer never enables Generate. */
  key: string;
  quote: Quote | null;
  comparison: EstimateResult['comparison'];
  error: string | null;
}

/**
 * Re-estimates on every change: the quote (credits per pool, balance before → after, refusals) and
 * the comparison against the baseline (the multiplier and each factor). Only the newest answer counts.
 */
export function useEstimate(params: EstimateParamsInput | null, baseline: EstimateParamsInput | null, projectId: string | null): LiveEstimate | null {
  const quote = useAppStore((s) => s.quote);
  const compare = useAppStore((s) => s.compare);
  const balances = useAppStore((s) => s.balances);
  const [live, setLive] = useState<LiveEstimate | null>(null);
  const key = params ? JSON.stringify(params) : '';
  const baseKey = baseline ? JSON.stringify(baseline) : '';
  // Rebuilt from their keys, so a new object with the same content does not re-estimate.
  const p = useMemo(() => (key ? (JSON.parse(key) as EstimateParamsInput) : null), [key]);
  const b = useMemo(() => (baseKey ? (JSON.parse(baseKey) as EstimateParamsInput) : null), [baseKey]);
  useEffect(() => {
    if (!p) return;
    let isCurrent = true;
    const run = async () => {
      try {
        const [q, c] = await Promise.all([quote(p, projectId), b && baseKey !== key ? compare(p, b) : Promise.resolve(null)]);
        if (isCurrent) setLive({ key, quote: q, comparison: c?.comparison ?? null, error: null });
      } catch (e) {
        if (isCurrent) setLive({ key, quote: null, comparison: null, error: errorText(e) });
      }
    };
    void run();
    return () => {
      isCurrent = false;
    };
    // balances: re-quote when money moves.
  }, [p, b, key, baseKey, projectId, balances, quote, compare]);
  return live;
}
