import { percentile } from '../queue/resilience/rollingWindow';

/** Small numeric helpers shared by the report computations. */
export { percentile };

/** Nearest-rank p95 of the values, rounded to a whole number; null for none. */
export function p95(values: readonly number[]): number | null {
  const v = percentile(values, 0.95);
  return v === null ? null : Math.round(v);
}

/** a ÷ b, or null when b is 0. */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

/** Rounded to `places` decimals (figures are compared exactly in tests and shown as is). */
export function round(x: number, places = 4): number {
  const k = 10 ** places;
  return Math.round(x * k) / k;
}

export function roundOrNull(x: number | null, places = 4): number | null {
  return x === null ? null : round(x, places);
}

export function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** What an output spec ("video/5s/1280:720/mp4/preview") says about seconds and picture. */
export function parseOutputSpec(spec: string): { seconds: number | null; resolution: string } {
  const [kind, secs, picture] = spec.split('/');
  const m = kind === 'video' && secs ? /^(\d+(?:\.\d+)?)s$/.exec(secs) : null;
  return { seconds: m ? Number(m[1]) : null, resolution: picture && picture.length > 0 ? picture : 'default' };
}

/** Code-point order (the same on every machine and locale), for sorting rows. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Appends to the list under `key`, creating it (linear, unlike re-spreading the list). */
export function pushTo<K, V>(m: Map<K, V[]>, key: K, v: V): void {
  const list = m.get(key);
  if (list) list.push(v);
  else m.set(key, [v]);
}
