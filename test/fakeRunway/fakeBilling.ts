import type { FakeTask } from './fakeTasks';

export interface BilledEntry {
  taskId: string;
  model: string;
  keyId: string;
  credits: number;
  at: number;
}

/**
 * The fake's money: the balance is debited by the estimate at create and credited back the
 * difference when the task ends at its final cost; every terminal task is one billed entry.
 */
export class FakeBilling {
  readonly entries: BilledEntry[] = [];

  constructor(public balance: number) {}

  canAfford(credits: number): boolean {
    return this.balance >= credits;
  }

  reserve(credits: number): void {
    this.balance -= credits;
  }

  settle(t: FakeTask, at: number): void {
    const credits = t.cost ?? 0;
    this.balance += t.estimate - credits;
    this.entries.push({ taskId: t.id, model: t.model, keyId: t.keyId, credits, at });
  }

  /** Another app (or a person in the web console) spending the same organization: billed, not a task of ours. */
  spendElsewhere(credits: number, model: string, at: number): void {
    this.balance -= credits;
    this.entries.push({ taskId: `elsewhere-${this.entries.length}`, model, keyId: 'elsewhere', credits, at });
  }

  /** Credits bought at Runway (the developer portal), outside any app. */
  topUp(credits: number): void {
    this.balance += credits;
  }

  total(): number {
    return this.entries.reduce((a, b) => a + b.credits, 0);
  }

  billedFor(taskId: string): number | null {
    return this.entries.find((x) => x.taskId === taskId)?.credits ?? null;
  }

  /** POST /v1/organization/usage: credits per UTC day and model, startDate inclusive, beforeDate exclusive. */
  usage(query: unknown): { models: string[]; results: { date: string; usedCredits: { model: string; amount: number }[] }[] } {
    const q = (query ?? {}) as { startDate?: string; beforeDate?: string };
    const byDate = new Map<string, Map<string, number>>();
    for (const b of this.entries) {
      const date = new Date(b.at).toISOString().slice(0, 10);
      if ((q.startDate && date < q.startDate) || (q.beforeDate && date >= q.beforeDate)) continue;
      const m = byDate.get(date) ?? new Map<string, number>();
      m.set(b.model, (m.get(b.model) ?? 0) + b.credits);
      byDate.set(date, m);
    }
    const results = [...byDate].sort(([a], [b]) => a.localeCompare(b)).map(([date, m]) => ({ date, usedCredits: [...m].map(([model, amount]) => ({ model, amount })) }));
    return { models: [...new Set(this.entries.map((b) => b.model))], results };
  }
}
