/** Helpers for benches: timing with warm-up, medians, and the printed ratio line. */
export interface Sample {
  label: string;
  /** Operations (or clip-seconds, …) per second. */
  rate: number;
  unit: string;
}

export async function measure(label: string, unit: string, work: () => Promise<number> | number, opts: { runs?: number; warmup?: number } = {}): Promise<Sample> {
  const runs = opts.runs ?? 5;
  for (let i = 0; i < (opts.warmup ?? 1); i++) await work();
  const rates: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const units = await work();
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    rates.push(units / secs);
  }
  rates.sort((a, b) => a - b);
  return { label, unit, rate: rates[Math.floor(rates.length / 2)]! };
}

export function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

/** Prints subject and baseline side by side with subject/baseline. */
export function printRatio(subject: Sample, baseline: Sample, goal?: string): void {
  console.log(`  ${subject.label.padEnd(48)} ${fmt(subject.rate).padStart(12)} ${subject.unit}`);
  console.log(`  ${baseline.label.padEnd(48)} ${fmt(baseline.rate).padStart(12)} ${baseline.unit}`);
  console.log(`  ratio subject/baseline: ${(subject.rate / baseline.rate).toFixed(2)}×${goal ? `   (goal: ${goal})` : ''}`);
}
