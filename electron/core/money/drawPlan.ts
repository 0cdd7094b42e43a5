/**
 * Pure splitting rules for the ledger:
 * - drain(): take `amount` from accounts in order (allowance, then grant, then purchased), each up to
 *   what it has available; report the shortfall instead of going below zero;
 * - allocate(): spread a captured amount over a reservation's legs in their order;
 * - allocateBack(): spread a refund over captured legs, last-drawn first (purchased credits come back first).
 */
export interface Source {
  account: string;
  pool: string;
  available: number;
}

export interface Leg {
  account: string;
  pool: string;
  credits: number;
}

export function drain(sources: readonly Source[], amount: number): { legs: Leg[]; shortfall: number } {
  const legs: Leg[] = [];
  let left = amount;
  for (const s of sources) {
    if (left === 0) break;
    const take = Math.min(left, Math.max(0, s.available));
    if (take > 0) {
      legs.push({ account: s.account, pool: s.pool, credits: take });
      left -= take;
    }
  }
  return { legs, shortfall: left };
}

/** How much of `amount` each of `sizes` takes, in order, each at most its size. */
export function allocate(sizes: readonly number[], amount: number): number[] {
  let left = amount;
  return sizes.map((size) => {
    const take = Math.min(size, left);
    left -= take;
    return take;
  });
}

/** Like allocate(), but filling from the last size backwards. */
export function allocateBack(sizes: readonly number[], amount: number): number[] {
  return allocate([...sizes].reverse(), amount).reverse();
}
