import { useEffect, useState } from 'react';
import { useAppStore } from '../../store';
import { fmtCredits } from '../format';
import { generationParams, type DraftValues } from './draftModel';

export interface CacheHint {
  /** The generation params (JSON) this hint is for. */
  key: string;
  isHit: boolean;
  text: string;
}

/** Whether Generate would be answered from the cache (free) or join a job in flight; debounced. */
export function useCacheHint(values: DraftValues | null, projectId: string): CacheHint | null {
  const lookupCache = useAppStore((s) => s.lookupCache);
  const [hint, setHint] = useState<CacheHint | null>(null);
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
          if (r.cacheHit) setHint({ key, isHit: true, text: `free — cached: made before, Generate returns those takes and saves ${fmtCredits(r.creditsSaved)} credits` });
          else if (r.inFlight) setHint({ key, isHit: false, text: 'already generating: Generate joins that job, nothing is charged twice' });
          else setHint(null);
        },
        () => isCurrent && setHint(null),
      );
    }, 250);
    return () => {
      isCurrent = false;
      clearTimeout(t);
    };
  }, [key, projectId, lookupCache]);
  return hint;
}
