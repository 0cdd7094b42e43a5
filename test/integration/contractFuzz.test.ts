import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { callNames, contract, type CallName } from '../../shared/contract';
import { formatIssuePath, type ErrorCode, type Result } from '../../shared/errors';
import { exitCodeFor } from '../../electron/host/cliExit';
import type { Core } from '../../electron/core/createCore';
import { createIpcCallHandler } from '../../electron/main/ipcHandler';
import { rendererDir } from '../../electron/host/paths';
import { startHost, type RunningHost } from '../../electron/host/server';
import { testCore } from '../support/core';
import { rawRequest } from '../support/http';
import { tempDir } from '../support/tmp';

// Every contract entry fuzzed through both doors (docs/reliability.md E6): the Electron IPC handler (the
// same function ipc.ts registers, called with forged senders) and the host's POST /rpc/<name>.
// No throw, no rejection, no INTERNAL; a payload the schema refuses gets VALIDATION naming the field.

const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const IPC_RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const HOST_RUNS = Math.max(10, Math.round(IPC_RUNS / 3));
const CLI_RUNS = Math.max(8, Math.round(IPC_RUNS / 5));

let core: Core;
let cleanup: () => Promise<void>;
let host: RunningHost;
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);

beforeAll(async () => {
  ({ core, cleanup } = testCore());
  process.on('unhandledRejection', onUnhandled);
  host = await startHost({ core, rendererDir, rateLimit: { burst: 1_000_000, perSecond: 1_000_000 } });
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await host.close();
  await cleanup();
});

/** The keys an input schema knows (through defaults, optionals and refinements), to aim mutations at. */
function keysOf(schema: z.ZodType): string[] {
  const def = (schema as unknown as { _zod: { def: { type: string; shape?: object; innerType?: z.ZodType; in?: z.ZodType } } })._zod.def;
  if (def.shape) return Object.keys(def.shape);
  if (def.innerType) return keysOf(def.innerType);
  if (def.in) return keysOf(def.in);
  return [];
}

/** Payloads: anything at all, and objects carrying the schema's own keys with wrong or odd values. */
function payloads(name: CallName): fc.Arbitrary<unknown> {
  const keys = keysOf(contract[name].input);
  const odd = fc.oneof(
    fc.anything({ maxDepth: 2 }),
    fc.constantFrom('', '../../etc/passwd', '%2e%2e/%2e%2e', 'C:\\Windows', '\\\\server\\share', 'a\u0000b', 'prj_', 'art_../../x', '__proto__', 'x'.repeat(5000)),
    fc.integer(),
    fc.double(),
    fc.constantFrom(-1, 0, 2 ** 53, Number.MAX_VALUE, null, true, [], {}),
  );
  const shaped = keys.length === 0 ? fc.dictionary(fc.string({ maxLength: 8 }), odd, { maxKeys: 3 }) : fc.dictionary(fc.constantFrom(...keys, 'extra', '__proto__', 'constructor'), odd, { maxKeys: keys.length + 1 });
  return fc.oneof({ weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) }, { weight: 3, arbitrary: shaped });
}

/**
 * Plausible payloads: the schema's own keys with values that often pass it (ids of every kind, an
 * existing project's and shot's, names, models, roles, small numbers), so calls get past validation
 * into their handlers: answered, NOT_FOUND, CONFLICT… never INTERNAL.
 */
function plausible(name: CallName, known: readonly unknown[]): fc.Arbitrary<unknown> {
  const keys = keysOf(contract[name].input);
  if (keys.length === 0) return fc.constant({});
  const pool = fc.constantFrom<unknown>(
    ...known,
    'prj_0000000000fuzz',
    'sht_0000000000fuzz',
    'job_0000000000fuzz',
    'art_0000000000fuzz',
    'tk_0000000000fuzz',
    'rvl_0000000000fuzz',
    'Fuzz',
    'local',
    'gen4_turbo',
    'reviewer',
    'preview',
    'release',
    '1280:720',
    'local:grant',
    '2026-11-01',
    0,
    1,
    5,
    100,
    true,
    false,
    [],
    {},
  );
  return fc.record(Object.fromEntries(keys.map((k) => [k, pool])), { requiredKeys: [] });
}

/**
 * Calls that do real work for as long as it takes (a benchmark runs jobs to the end): fuzzed with
 * payloads their schema refuses only, so a lucky valid payload does not start minutes of work.
 */
const RUNS_WORK = new Set<string>(['benchmark.run']);

function fuzzFor(name: CallName): fc.Arbitrary<unknown> {
  const all = payloads(name);
  if (!RUNS_WORK.has(name)) return all;
  return all.filter((p) => {
    const text = JSON.stringify(p);
    return !contract[name].input.safeParse((text === undefined ? undefined : JSON.parse(text)) ?? {}).success;
  });
}

type Verdict = { ok: true } | { ok: false; why: string };

/** What the doors must answer for this (JSON-shaped) payload. */
function judge(name: CallName, payload: unknown, r: Result<unknown>): Verdict {
  if (typeof r !== 'object' || r === null || typeof r.ok !== 'boolean') return { ok: false, why: `not a Result: ${JSON.stringify(r)}` };
  const parsed = contract[name].input.safeParse(payload ?? {});
  if (!parsed.success) {
    const field = formatIssuePath(parsed.error.issues[0]!.path);
    if (r.ok || r.error.code !== 'VALIDATION') return { ok: false, why: `bad payload accepted or wrong code: ${JSON.stringify(r).slice(0, 300)}` };
    if ((r.error.details as { field?: unknown } | undefined)?.field !== field) return { ok: false, why: `VALIDATION names ${JSON.stringify(r.error.details?.field)}, expected ${field}` };
    if (!r.error.message.includes(field)) return { ok: false, why: `message does not name ${field}: ${r.error.message}` };
    return { ok: true };
  }
  if (!r.ok && r.error.code === 'INTERNAL') return { ok: false, why: `INTERNAL on a valid payload: ${r.error.message}` };
  return { ok: true };
}

const jsonRoundTrip = (v: unknown): unknown => {
  const text = JSON.stringify(v);
  return text === undefined ? undefined : JSON.parse(text);
};

describe('the IPC door (createIpcCallHandler, as ipc.ts registers it)', () => {
  const trusted = { senderFrame: { url: 'app://renderer/index.html' } };

  it(`answers every entry's fuzzed payloads with a Result, VALIDATION naming the field when bad (seed ${SEED})`, { timeout: 120_000 }, async () => {
    for (const name of callNames) {
      const handle = createIpcCallHandler(name, core.dispatch, core.ports.logger);
      await fc.assert(
        fc.asyncProperty(fuzzFor(name), async (payload) => {
          // IPC structured-clones the payload; JSON-shaped values are what a renderer can send.
          const p = jsonRoundTrip(payload);
          const v = judge(name, p, await handle(trusted, p));
          if (!v.ok) throw new Error(`${name}: ${v.why}`);
        }),
        { seed: SEED, numRuns: IPC_RUNS },
      );
    }
    expect(unhandled).toEqual([]);
  });

  it('refuses forged senders before looking at the payload, and changes nothing', { timeout: 60_000 }, async () => {
    const projects = (await core.projects.list()).length;
    const forged = fc.oneof(
      fc.constant(null),
      fc.constant({ senderFrame: null }),
      fc.constant({ senderFrame: undefined }),
      fc.constantFrom('https://evil.example/', 'app://renderer.evil/', 'app://evil/index.html', 'file:///etc/passwd', 'about:blank', 'devtools://x', '', 'app:renderer').map((url) => ({ senderFrame: { url } })),
      fc.webUrl().map((url) => ({ senderFrame: { url } })),
      fc.anything().map((url) => ({ senderFrame: { url } })),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...callNames), forged, fc.anything({ maxDepth: 2 }), async (name, sender, payload) => {
        const r = await createIpcCallHandler(name, core.dispatch, core.ports.logger)(sender as never, { name: 'Forged', ...(typeof payload === 'object' ? payload : {}) });
        expect(r).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: 'This frame may not call Circle Take.' } });
      }),
      { seed: SEED, numRuns: 300 },
    );
    expect((await core.projects.list()).length).toBe(projects);
  });
});

describe('the host door (POST /rpc/<name>)', () => {
  const post = async (name: string, body: string | undefined) => {
    const r = await rawRequest(`${host.url}rpc/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${host.ownerToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body }),
    });
    return { status: r.status, body: r.json() as Result<unknown> };
  };

  it(`answers every entry's fuzzed payloads with a Result and a matching status (seed ${SEED})`, { timeout: 180_000 }, async () => {
    for (const name of callNames) {
      await fc.assert(
        fc.asyncProperty(fuzzFor(name), async (payload) => {
          const text = JSON.stringify(payload);
          const r = await post(name, text);
          const v = judge(name, text === undefined ? undefined : JSON.parse(text), r.body);
          if (!v.ok) throw new Error(`${name}: ${v.why}`);
          if (!r.body.ok && r.body.error.code === 'VALIDATION' && r.status !== 400) throw new Error(`${name}: VALIDATION sent as ${r.status}`);
        }),
        { seed: SEED, numRuns: HOST_RUNS },
      );
    }
    expect(unhandled).toEqual([]);
  });

  it('answers bodies that are not JSON, and names that are not calls, without falling over', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...callNames.filter((n) => !RUNS_WORK.has(n))), fc.string({ maxLength: 200 }), async (name, body) => {
        let isJson = true;
        try {
          JSON.parse(body);
        } catch {
          isJson = false;
        }
        const r = await post(name, body);
        if (!isJson && body.length > 0) expect(r.body).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: '(body)' } } });
        else expect(typeof r.body.ok).toBe('boolean');
      }),
      { seed: SEED, numRuns: 200 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 60 }).filter((n) => !(callNames as string[]).includes(n)), async (name) => {
        const r = await post(name, '{}');
        expect(r.body).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
        expect(r.status).toBe(404);
      }),
      { seed: SEED, numRuns: 100 },
    );
    expect((await post('projects.list', '{}')).body.ok).toBe(true);
  });
});

describe('the CLI door (circletake call, through core.dispatch as the owner)', () => {
  const t = tempDir('ct-fuzz-cli-');
  afterAll(() => t.cleanup());
  const cli = (args: string[], input?: string) =>
    spawnSync(process.execPath, ['bin/circletake.js', ...args, '--data-dir', t.dir], { encoding: 'utf8', timeout: 180_000, maxBuffer: 256 * 1024 * 1024, ...(input === undefined ? {} : { input }) });

  /** One query's answer per kind (ok, or an error code) from the batch, replayed process by process below. */
  const kinds = new Map<string, { name: string; input: unknown; exit: number }>();

  it(`answers every entry's fuzzed payloads with a Result and the documented exit code (seed ${SEED})`, { timeout: 240_000 }, async () => {
    // A project with a shot to aim at, so plausible payloads reach real rows.
    const { core: seedCore } = testCore({ dataDir: t.dir });
    const project = await seedCore.projects.create('Fuzz');
    const shot = await seedCore.shots.create(project.id, 'Opening');
    await seedCore.dispose();
    const known = [project.id, shot.id];
    const sample = (name: CallName, arb: fc.Arbitrary<unknown>) => fc.sample(arb, { seed: SEED, numRuns: CLI_RUNS }).map((p) => ({ name, input: jsonRoundTrip(p) }));
    const calls = callNames.flatMap((name) => [
      ...sample(name, fuzzFor(name)),
      ...sample(name, RUNS_WORK.has(name) ? fuzzFor(name) : plausible(name, known)),
    ]);
    // Names that are no call, and lines that are no JSON, answered in the same stream.
    const extra = ['', 'nope.call', 'projects', '__proto__'].map((name) => ({ name, input: {} }));
    const lines = [...calls, ...extra].map((c) => JSON.stringify(c));
    lines.splice(7, 0, '{"name": "projects.list", "input": ');
    const r = cli(['call', '--batch'], `${lines.join('\n')}\n`);
    expect(r.status, r.stderr).toBe(0);
    const answers = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { exit: number; result: Result<unknown> });
    expect(answers).toHaveLength(lines.length);
    expect(answers.splice(7, 1)[0]).toMatchObject({ exit: 2, result: { ok: false, error: { code: 'VALIDATION', details: { field: '(line)' } } } });
    for (const a of answers.splice(calls.length)) expect(a).toMatchObject({ exit: 2, result: { ok: false, error: { code: 'UNKNOWN_METHOD' } } });
    const wrong: string[] = [];
    const answered = new Set<string>();
    const reached = new Set<string>();
    answers.forEach((a, i) => {
      const { name, input } = calls[i]!;
      answered.add(name);
      const v = judge(name, input, a.result);
      if (!v.ok) wrong.push(`${name}: ${v.why}`);
      const expected = a.result.ok ? 0 : exitCodeFor(a.result.error.code);
      if (a.exit !== expected) wrong.push(`${name}: exit ${a.exit}, documented ${expected}`);
      const kind = a.result.ok ? 'ok' : a.result.error.code;
      if (kind !== 'VALIDATION') reached.add(name);
      // Queries only: replaying one in a later process meets the same state, so it answers the same again.
      if (contract[name].isQuery && !kinds.has(kind)) kinds.set(kind, { name, input, exit: a.exit });
    });
    expect(wrong).toEqual([]);
    expect([...answered].sort()).toEqual([...callNames].sort());
    // The plausible payloads reach past validation into the handlers for a good share of the entries.
    expect(reached.size).toBeGreaterThan(callNames.length / 3);
    console.log(`CLI fuzz: ${calls.length} payloads over ${callNames.length} entries in one process; ${reached.size} entries answered past validation; kinds of answer: ${[...kinds.keys()].join(', ')}`);
  });

  it('exits, process by process, as the batch said: one query of each kind of answer replayed with `call NAME`', { timeout: 120_000 }, async () => {
    expect([...kinds.keys()]).toEqual(expect.arrayContaining(['ok', 'VALIDATION', 'NOT_FOUND']));
    for (const [kind, { name, input, exit }] of kinds) {
      const r = cli(['call', name, ...(input === undefined ? [] : ['--input', JSON.stringify(input)])]);
      expect(r.status, `${kind} ${name} ${r.stderr}`).toBe(exit);
      const out = JSON.parse(r.stdout) as Result<unknown>;
      expect(out.ok ? 'ok' : out.error.code, name).toBe(kind);
      if (kind !== 'ok') expect(r.stderr.trim().split('\n'), name).toHaveLength(1);
    }
  });

  it('exits with the documented code and one line naming the field, process by process', { timeout: 120_000 }, async () => {
    const cases: [string, unknown, ErrorCode | null, string?][] = [
      ['jobs.get', { id: 'nope' }, 'VALIDATION', 'id'],
      ['jobs.get', { id: 'job_0000000000missing' }, 'NOT_FOUND'],
      ['projects.create', { name: 5 }, 'VALIDATION', 'name'],
      ['credits.grant', { id: 'g1', pool: 'moon:grant', credits: 5 }, 'VALIDATION', 'pool'],
      ['jobs.submit', { params: { provider: 'local', model: 'gen4_turbo', durationSec: 'x', ratio: '1280:720', prompt: 'p' } }, 'VALIDATION', 'params.durationSec'],
      ['queue.status', {}, null],
    ];
    for (const [name, input, code, field] of cases) {
      const r = cli(['call', name, '--input', JSON.stringify(input)]);
      const out = JSON.parse(r.stdout) as Result<unknown>;
      expect(out.ok, `${name} ${r.stdout}`).toBe(code === null);
      expect(r.status, name).toBe(code === null ? 0 : exitCodeFor(code));
      if (code === null) continue;
      expect(!out.ok && out.error.code).toBe(code);
      const lines = r.stderr.trim().split('\n');
      expect(lines, name).toHaveLength(1);
      if (field) expect(lines[0]).toContain(`${field}: `);
    }
  });
});
