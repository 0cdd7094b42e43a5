import fc from 'fast-check';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { z } from 'zod';
import { PlanConfig } from '../../shared/money/planSchema';
import { RateCard } from '../../shared/money/rateCardSchema';
import type { Core } from '../../electron/core/createCore';
import { findResourcesDir } from '../../electron/core/money/resourcesDir';
import { testCore } from '../support/core';

// Plan and rate files under random YAML mutations (issue 8): a mutant the schema refuses is rejected
// with a located error (file, a line inside the file, a field) and the last good version stays in
// force; a mutant that is still valid is taken as it is; the app keeps answering throughout.

const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60) * 2;
const builtin = findResourcesDir();
let core: Core;
let cleanup: () => Promise<void>;
let dataDir: string;

beforeAll(() => {
  ({ core, cleanup, dataDir } = testCore());
  mkdirSync(join(dataDir, 'plans'), { recursive: true });
  mkdirSync(join(dataDir, 'rates'), { recursive: true });
});
afterAll(() => cleanup());

/** Text-level and tree-level mutations of a YAML file. */
function mutant(text: string): fc.Arbitrary<string> {
  const lines = text.split('\n');
  const at = fc.nat({ max: Math.max(0, lines.length - 1) });
  const junk = fc.constantFrom(':', ': :', '-', '- x', '\t', '{', '}', '[', '"', "'", '&a', '*a', '!!binary', '? ', '#', '\u0000', '%YAML 1.2', '---', '...', '|', '>', '  x: 1', 'nope');
  const edit = (f: (ls: string[]) => string[]) => (ls: string[]) => f([...ls]);
  const textual = fc.oneof(
    at.map((i) => edit((ls) => (ls.splice(i, 1), ls))),
    at.map((i) => edit((ls) => (ls.splice(i, 0, ls[i] ?? ''), ls))),
    fc.tuple(at, at).map(([i, j]) => edit((ls) => ([ls[i], ls[j]] = [ls[j]!, ls[i]!], ls))),
    fc.tuple(at, fc.integer({ min: -4, max: 4 })).map(([i, d]) => edit((ls) => ((ls[i] = d >= 0 ? ' '.repeat(d) + ls[i] : ls[i]!.slice(-d)), ls))),
    fc.tuple(at, junk, fc.nat({ max: 80 })).map(([i, j, p]) => edit((ls) => ((ls[i] = ls[i]!.slice(0, p) + j + ls[i]!.slice(p)), ls))),
    fc.nat({ max: text.length }).map((n) => () => text.slice(0, n).split('\n')),
  );
  const value = fc.oneof(fc.integer({ min: -5, max: 5000 }), fc.double({ noNaN: false }), fc.string({ maxLength: 12 }), fc.constant(null), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 }), fc.constant({}));
  const tree = fc.tuple(fc.nat(), fc.nat(), value, fc.constantFrom('set', 'delete', 'rename')).map(([a, b, v, op]) => () => {
    const doc = parse(text) as Record<string, unknown>;
    const keys = Object.keys(doc);
    const top = doc[keys[a % keys.length]!] as Record<string, unknown> | undefined;
    if (!top || typeof top !== 'object') return text.split('\n');
    const inner = Object.keys(top);
    const k = inner[b % Math.max(1, inner.length)];
    if (k === undefined) return text.split('\n');
    if (op === 'set') top[k] = v;
    else if (op === 'delete') delete top[k];
    else {
      top[`${k.slice(0, -1)}${k.endsWith('s') ? 'z' : 's'}`] = top[k];
      delete top[k];
    }
    return stringify(doc).split('\n');
  });
  return fc.oneof({ weight: 3, arbitrary: textual.map((f) => f(lines)) }, { weight: 2, arbitrary: tree.map((f) => f()) }).map((ls) => ls.join('\n'));
}

const isValid = <T>(schema: z.ZodType<T>, text: string): T | null => {
  try {
    const r = schema.safeParse(parse(text, { uniqueKeys: true }) ?? {});
    return r.success ? r.data : null;
  } catch {
    return null;
  }
};

async function fuzzFile(kind: 'plan' | 'rateCard', file: string, good: string, schema: z.ZodType<unknown>): Promise<number> {
  const entryOf = () => (kind === 'plan' ? core.plans.list().plans : core.plans.list().rateCards).find((e) => e.file === file);
  writeFileSync(file, good);
  expect((await core.plans.reload()).filter((p) => p.file === file)).toEqual([]);
  let lastGood = entryOf()!.config;
  let rejected = 0;
  await fc.assert(
    fc.asyncProperty(mutant(good), async (text) => {
      writeFileSync(file, text);
      const problems = (await core.plans.reload()).filter((p) => p.file === file);
      const entry = entryOf();
      if (problems.length > 0) {
        rejected++;
        const p = problems[0]!;
        expect(p.line).toBeGreaterThanOrEqual(1);
        expect(p.line).toBeLessThanOrEqual(text.split('\n').length + 1);
        expect(p.field.length).toBeGreaterThan(0);
        expect(p.message.length).toBeGreaterThan(0);
        expect(entry?.config).toEqual(lastGood); // the last good version stays in force
      } else {
        const parsed = isValid(schema, text);
        expect(parsed, 'accepted a file its schema refuses').not.toBeNull();
        expect(entry?.config).toEqual(parsed);
        lastGood = entry!.config;
      }
    }),
    { seed: SEED, numRuns: RUNS },
  );
  writeFileSync(file, good);
  expect((await core.plans.reload()).filter((p) => p.file === file)).toEqual([]);
  return rejected;
}

describe('plan and rate files under random mutations', () => {
  it(`rejects a broken plan with a located error and keeps the last good one (seed ${SEED})`, async () => {
    const good = readFileSync(join(builtin, 'plans', 'runway-pro.yaml'), 'utf8').replace(/^(\s*name:\s*)runway-pro\b/m, '$1fuzz-plan').replace(/^\s*default:.*\n/m, '');
    const file = join(dataDir, 'plans', 'fuzz-plan.yaml');
    writeFileSync(file, good);
    await core.plans.reload();
    await core.plans.activate('fuzz-plan');
    const rejected = await fuzzFile('plan', file, good, PlanConfig);
    expect(rejected).toBeGreaterThan(RUNS / 4);
    // The app kept working through it all: the active plan is the good one and estimates still run.
    expect(core.plans.active().plan.plan.name).toBe('fuzz-plan');
    const est = await core.dispatch('credits.estimate', { params: { provider: 'runway', model: 'gen4.5', durationSec: 5, ratio: '1280:720' } }, { role: 'owner', door: 'cli' });
    expect(est).toMatchObject({ ok: true });
  });

  it(`rejects a broken rate card the same way (seed ${SEED})`, async () => {
    const good = readFileSync(join(builtin, 'rates', 'runway-api.yaml'), 'utf8');
    const file = join(dataDir, 'rates', 'runway-api.yaml');
    const rejected = await fuzzFile('rateCard', file, good, RateCard);
    expect(rejected).toBeGreaterThan(RUNS / 4);
    expect((await core.dispatch('plans.active', {}, { role: 'owner', door: 'cli' })).ok).toBe(true);
  });
});
