import type { TakeCard } from '../../shared/contract/board';
import type { BoardColumns } from './boardSelectors';
import { TAKE_STAGES } from './boardSelectors';

/** What the board shows: every take, or only the untagged, picked, rejected or failed ones; and one model or all. */
export type VerdictFilter = 'all' | 'untagged' | 'picked' | 'rejected' | 'failed';
export interface BoardFilter {
  verdict: VerdictFilter;
  /** A model name, or null for every model. */
  model: string | null;
}
export const NO_FILTER: BoardFilter = { verdict: 'all', model: null };

export const VERDICT_LABELS: Record<VerdictFilter, string> = {
  all: 'All takes',
  untagged: 'Untagged',
  picked: 'Picked',
  rejected: 'Rejected',
  failed: 'Failed checks',
};

/** Does the card pass the filter? People's verdicts only: the auto-check's needs-fix is not a tag here. */
export function matches(c: TakeCard, f: BoardFilter): boolean {
  if (f.model !== null && c.model !== f.model) return false;
  switch (f.verdict) {
    case 'all':
      return true;
    case 'untagged':
      return !c.tags.some((t) => !t.isAuto);
    case 'picked':
      return c.tags.some((t) => !t.isAuto && t.tag === 'promising');
    case 'rejected':
      return c.tags.some((t) => !t.isAuto && t.tag === 'discard');
    case 'failed':
      return c.checkStatus === 'failed' || c.checkStatus === 'error' || (c.checks ?? []).some((k) => !k.ok);
  }
}

/**
 * The board with only the cards that pass, columns in the same order. Memoized on the board and the
 * filter: with no filter the board itself comes back, so nothing re-renders for it.
 */
export function createBoardFilter() {
  let lastBoard: BoardColumns | null = null;
  let lastFilter: BoardFilter | null = null;
  let out: BoardColumns | null = null;
  return (board: BoardColumns, f: BoardFilter): BoardColumns => {
    if (f.verdict === 'all' && f.model === null) return board;
    if (board === lastBoard && lastFilter !== null && f.verdict === lastFilter.verdict && f.model === lastFilter.model && out) return out;
    const columns = { ...board.columns };
    for (const st of TAKE_STAGES) columns[st] = board.columns[st].filter((c) => matches(c, f));
    const byId = new Map<string, TakeCard>();
    for (const st of TAKE_STAGES) for (const c of columns[st]) byId.set(c.id, c);
    lastBoard = board;
    lastFilter = f;
    out = { columns, drafts: board.drafts, byId };
    return out;
  };
}

/** The models of the board's takes (its by-id map), for the model filter. */
export function modelsOf(byId: BoardColumns['byId']): string[] {
  const models = new Set<string>();
  for (const c of byId.values()) models.add(c.model);
  return [...models].sort();
}
