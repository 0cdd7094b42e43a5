import type { Queryable, RunResult, SqlValue } from './sqlEngine';

/**
 * Named parameters over the engine port: SQL written with `@name` (as better-sqlite3 took it) becomes `?`
 * placeholders once, with the names in order, so a repository keeps passing `{ id, pool }` objects.
 * A name may appear several times; each use is one placeholder. `@` inside quoted strings is left alone.
 */
type Params = object | void;

export interface Named<P extends Params, R> {
  readonly text: string;
  readonly names: readonly string[];
  /** Appends the Queryable's `forUpdate` (row locks on PostgreSQL, nothing on SQLite) when bound. */
  readonly locks: boolean;
  readonly __types?: [P, R];
}

export function named<P extends Params = void, R = never>(sql: string, opts: { locks?: boolean } = {}): Named<P, R> {
  const names: string[] = [];
  let text = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      text += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))!;
      names.push(m[0]);
      text += '?';
      i += m[0].length;
    } else text += c;
  }
  return { text, names, locks: opts.locks ?? false };
}

export interface Bound<P extends Params, R> {
  get(params: P): Promise<R | undefined>;
  all(params: P): Promise<R[]>;
  run(params: P): Promise<RunResult>;
}

type BoundAll<T> = { [K in keyof T]: T[K] extends Named<infer P, infer R> ? Bound<P, R> : never };

const boundCache = new WeakMap<Queryable, WeakMap<object, unknown>>();

/**
 * A repository's statements bound to one Queryable (an engine, or a transaction's). Cached per
 * Queryable and table, so a SQLite transaction (one shared Queryable) binds once.
 */
export function bindAll<T extends Record<string, Named<Params, unknown>>>(q: Queryable, table: T): BoundAll<T> {
  let perQ = boundCache.get(q);
  if (!perQ) {
    perQ = new WeakMap();
    boundCache.set(q, perQ);
  }
  const hit = perQ.get(table);
  if (hit) return hit as BoundAll<T>;
  const out: Record<string, Bound<Params, unknown>> = {};
  for (const [key, n] of Object.entries(table)) {
    const text = n.locks ? n.text + q.forUpdate : n.text;
    const args = (p: Params): SqlValue[] => (p ? n.names.map((name) => valueOf(p as Record<string, SqlValue | undefined>, name)) : []);
    out[key] = {
      get: (p) => q.get(text, args(p)),
      all: (p) => q.all(text, args(p)),
      run: (p) => q.run(text, args(p)),
    };
  }
  perQ.set(table, out);
  return out as BoundAll<T>;
}

function valueOf(p: Record<string, SqlValue | undefined>, name: string): SqlValue {
  const v = p[name];
  if (v === undefined) throw new Error(`SQL parameter @${name} was not given`);
  return v;
}
