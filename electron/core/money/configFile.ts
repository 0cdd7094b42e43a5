import { isMap, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';

/**
 * Reads one plan or rate-card YAML file and validates it, turning the first problem into
 * `{file, line, field, message}`: a YAML syntax error, a zod issue (the line of the offending key, or of
 * the nearest parent when a required key is missing), or an unknown key with the nearest known one.
 */
export interface ConfigProblem {
  file: string;
  line: number;
  field: string;
  message: string;
  /** For a broken file: since when it has been broken (ISO time, kept across restarts). */
  since?: string;
  /** For a broken file: the last good version kept in force instead (its sha256 and when it was stored), or null when none. */
  inForce?: { hash: string; savedAt: string } | null;
}

/** Aliases a config may expand: a real plan uses none; a "billion laughs" file needs thousands. */
export const MAX_ALIAS_COUNT = 50;

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: ConfigProblem };

/** Results of earlier reads, per schema and (file, text): at most MEMO_SIZE each. */
const memo = new WeakMap<z.ZodType<unknown>, Map<string, Parsed<unknown>>>();
const MEMO_SIZE = 64;

/**
 * parseConfigText's answer for the same file name, text and schema as an earlier call in this process,
 * as a copy (a caller may change what it gets). Reading and checking YAML is most of what opening a core
 * costs apart from the database (~15–20 ms for the built-in plans and rate cards), and a process reads
 * the same unchanged files again on every reload and, in tests, every core.
 */
export function parseConfigText<T>(file: string, text: string, schema: z.ZodType<T>): Parsed<T> {
  let forSchema = memo.get(schema);
  if (!forSchema) memo.set(schema, (forSchema = new Map()));
  const key = `${file}\0${text}`;
  let parsed = forSchema.get(key) as Parsed<T> | undefined;
  if (!parsed) {
    parsed = parseConfigTextOnce(file, text, schema);
    if (forSchema.size >= MEMO_SIZE) forSchema.clear();
    forSchema.set(key, parsed);
  }
  return structuredClone(parsed);
}

function parseConfigTextOnce<T>(file: string, text: string, schema: z.ZodType<T>): Parsed<T> {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line ?? lc.linePos(err.pos[0]).line;
    return { ok: false, problem: { file, line, field: '(yaml)', message: err.message.split('\n')[0]! } };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // yaml refuses an alias bomb here (ReferenceError: excessive alias count): a broken file, not a crash.
    let line = 1;
    visit(doc, {
      Alias(_, node) {
        if (node.range) line = lc.linePos(node.range[0]).line;
        return visit.BREAK;
      },
    });
    return { ok: false, problem: { file, line, field: '(yaml)', message: `too many aliases to expand (more than ${MAX_ALIAS_COUNT}); write the values out: ${(e as Error).message}` } };
  }
  const result = schema.safeParse(data ?? {});
  if (result.success) return { ok: true, value: result.data };
  // A typo shows up twice (unknown key + missing key): report the unknown key, it names the cause.
  const issue = result.error.issues.find((i) => i.code === 'unrecognized_keys') ?? result.error.issues[0]!;
  let path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const known = knownKeys(schemaAt(schema, path));
    const near = nearest(key, known);
    path = [...path, key];
    message = `unknown field "${key}"${near ? `; did you mean "${near}"?` : known.length ? `; known: ${known.join(', ')}` : ''}`;
  }
  return { ok: false, problem: { file, line: lineOf(doc, lc, path), field: path.map(String).join('.') || '(file)', message } };
}

export function formatProblem(p: ConfigProblem): string {
  const broken = p.since ? ` (broken since ${p.since}; ${p.inForce ? `the last good version, sha256 ${p.inForce.hash.slice(0, 12)} stored ${p.inForce.savedAt}, stays in force` : 'no good version was ever stored, so it is not in force'})` : '';
  return `${p.file}:${p.line}: ${p.field}: ${p.message}${broken}`;
}

function lineOf(doc: Document, lc: LineCounter, path: (string | number)[]): number {
  for (let n = path.length; n >= 0; n--) {
    const sub = path.slice(0, n);
    const parent = n > 0 ? doc.getIn(sub.slice(0, -1), true) : doc.contents;
    if (n > 0 && isMap(parent)) {
      const pair = parent.items.find((it) => String((it.key as { value?: unknown })?.value ?? it.key) === String(sub[n - 1]));
      const key = pair?.key as { range?: [number, number, number] } | undefined;
      if (key?.range) return lc.linePos(key.range[0]).line;
    }
    const node = n > 0 ? doc.getIn(sub, true) : doc.contents;
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (range) return lc.linePos(range[0]).line;
  }
  return 1;
}

/** The object schema at a path (best effort: objects, records, arrays, optional/nullable wrappers). */
function schemaAt(schema: z.ZodType, path: (string | number)[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  for (const p of path) {
    s = unwrap(s);
    const def = (s as unknown as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    if (!def) return undefined;
    if (def.type === 'object') s = (def.shape as Record<string, z.ZodType>)[String(p)];
    else if (def.type === 'record') s = def.valueType as z.ZodType;
    else if (def.type === 'array') s = def.element as z.ZodType;
    else return undefined;
  }
  return unwrap(s);
}

function unwrap(s: z.ZodType | undefined): z.ZodType | undefined {
  let cur = s;
  for (let i = 0; i < 10 && cur; i++) {
    const def = (cur as unknown as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (def && ['optional', 'nullable', 'default', 'pipe'].includes(String(def.type))) cur = (def.innerType ?? def.in) as z.ZodType;
    else break;
  }
  return cur;
}

function knownKeys(s: z.ZodType | undefined): string[] {
  const def = (s as unknown as { _zod?: { def?: Record<string, unknown> } } | undefined)?._zod?.def;
  return def?.type === 'object' ? Object.keys(def.shape as object) : [];
}

/** The known key closest to a typo (edit distance ≤ 3), if any. */
export function nearest(word: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestD = 4;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
