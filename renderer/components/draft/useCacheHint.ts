import { useEffect, useState } from 'react';
import { useAppStore } from '../../store';
import { fmtCredits } from '../format';
import { generationParams, type DraftValues } from './draftModel';

export interface CacheHint {
  /** The generation params (JSON) this hint is for. */
  key: string;
  isHit: boolean;
  text: string;
  /** The job an "already generating" hint joins; null otherwise. */
  flightJobId: string | null;
}

/**
 * Whether Generate would be answered from the cache (free) or join a job in flight; debounced. Asked again
 * when the draft changes and when the job in flight it named changes state: once its takes land the draft
 * is a cache hit, not "already generating" (the answer was kept until the draft changed).
 */
export function useCacheHint(values: DraftValues | null, projectId: string): CacheHint | null {
  const lookupCache = useAppStore((s) => s.lookupCache);
  const [hint, setHint] = useState<CacheHint | null>(null);
  const flightJobId = hint?.flightJobId ?? null;
  const flightState = useAppStore((s) => (flightJobId ? (s.jobs[flightJobId]?.status ?? 'unseen') : null));
  const gen = values ? generationParams(values) : null;
  const key = gen ? JSON.stringify(gen) : '';
  useEffect(() => {
    if (!key) return;
    const g = JSON.parse(key) as ReturnType<typeof generationParams>;
    if ('error' in g) return;
    let isCurrent = true;
    const t = setTimeout(() => {
      lookupCache(g, projectId).then(
        (r) => {
          if (!isCurrent) return;
          if (r.cacheHit) setHint({ key, isHit: true, text: `free — cached: made before, Generate returns those takes and saves ${fmtCredits(r.creditsSaved)} credits`, flightJobId: null });
          else if (r.inFlight) setHint({ key, isHit: false, text: 'already generating: Generate joins that job, nothing is charged twice', flightJobId: r.jobId });
          else setHint(null);
        },
        () => isCurrent && setHint(null),
      );
    }, 250);
    return () => {
      isCurrent = false;
      clearTimeout(t);
    };
  }, [key, projectId, lookupCache, flightState]);
  return hint;
}
