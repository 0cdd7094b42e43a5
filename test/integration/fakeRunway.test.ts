import { afterEach, describe, expect, it } from 'vitest';
import { FakeRunway, RUNWAY_VERSION, type FakeRunwayOptions } from '../fakeRunway/fakeRunway';

let fake: FakeRunway | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function start(opts: FakeRunwayOptions = {}): Promise<FakeRunway> {
  fake = await FakeRunway.start({ fast: true, ...opts });
  return fake;
}

async function call(f: FakeRunway, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> | null }> {
  const res = await fetch(`${f.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${f.key}`, 'x-runway-version': RUNWAY_VERSION, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

const t2v = { model: 'gen4.5', promptText: 'a quiet harbour', ratio: '1280:720', duration: 5 };

describe('fake Runway: the surface in docs/runway.md', () => {
  it('requires a Bearer key_… and X-Runway-Version', async () => {
    const f = await start();
    expect((await call(f, 'GET', '/v1/organization', undefined, { authorization: '' })).status).toBe(401);
    expect((await call(f, 'GET', '/v1/organization', undefined, { authorization: `Bearer key_${'1'.repeat(128)}` })).status).toBe(401);
    const noVersion = await call(f, 'GET', '/v1/organization', undefined, { 'x-runway-version': '' });
    expect(noVersion.status).toBe(400);
    expect(noVersion.json?.error).toMatch(/X-Runway-Version/);
    expect((await call(f, 'GET', '/v1/organization')).status).toBe(200);
  });

  it.each([
    ['/v1/text_to_video', { ...t2v, ratio: '960:960' }, 'ratio'],
    ['/v1/text_to_video', { ...t2v, ratio: '16:9' }, 'ratio'],
    ['/v1/text_to_video', { ...t2v, model: 'gen4_turbo' }, 'model'],
    ['/v1/text_to_video', { ...t2v, model: 'gen3a_turbo' }, 'model'],
    ['/v1/text_to_video', { ...t2v, duration: 11 }, 'duration'],
    ['/v1/text_to_video', { ...t2v, duration: undefined }, 'duration'],
    ['/v1/text_to_video', { ...t2v, model: 'veo3.1', duration: 5 }, 'duration'],
    ['/v1/text_to_video', { ...t2v, promptText: 'x'.repeat(1001) }, 'promptText'],
    ['/v1/text_to_video', { ...t2v, promptText: undefined }, 'promptText'],
    ['/v1/text_to_video', { ...t2v, audio: true }, 'audio'],
    ['/v1/text_to_video', { ...t2v, seed: -1 }, 'seed'],
    ['/v1/image_to_video', { ...t2v }, 'promptImage'],
    ['/v1/image_to_video', { ...t2v, promptImage: 'http://example.com/a.png' }, 'promptImage'],
    ['/v1/image_to_video', { ...t2v, promptImage: 'https://10.0.0.1/a.png' }, 'promptImage'],
  ])('%s %j → 400 naming %s', async (path, body, field) => {
    const f = await start();
    const r = await call(f, 'POST', path, body);
    expect(r.status).toBe(400);
    expect(r.json?.error).toContain(`'${field}'`);
    expect(f.stats()).toMatchObject({ createPosts: 1, tasksCreated: 0 });
  });

  it('creates return a UUID and estimatedCost; tasks go PENDING → RUNNING (progress) → SUCCEEDED on the fake clock', async () => {
    let now = 1_800_000_000_000;
    const f = await start({ now: () => now, fast: false, timing: { pendingMs: 5000, runningMs: 10_000 } });
    const c = await call(f, 'POST', '/v1/image_to_video', { model: 'gen4_turbo', promptImage: 'https://img.example.com/a.png', ratio: '960:960' });
    expect(c.status).toBe(200);
    expect(c.json).toEqual({ id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/), estimatedCost: { credits: 50 } });
    const get = async () => (await call(f, 'GET', `/v1/tasks/${c.json!.id}`)).json!;
    expect(await get()).toMatchObject({ status: 'PENDING', estimatedCost: { credits: 50 } });
    now += 7500;
    expect(await get()).toMatchObject({ status: 'RUNNING', progress: 0.25 });
    now += 7500;
    const done = await get();
    expect(done).toMatchObject({ status: 'SUCCEEDED', cost: { credits: 50 }, output: [expect.stringContaining('/outputs/')] });
    expect(done).not.toHaveProperty('estimatedCost');
  });

  it('429 at the daily cap (rolling 24 h)', async () => {
    let now = 1_800_000_000_000;
    const f = await start({ now: () => now, tier: { 'gen4.5': { maxDailyGenerations: 2 } } });
    expect((await call(f, 'POST', '/v1/text_to_video', t2v)).status).toBe(200);
    expect((await call(f, 'POST', '/v1/text_to_video', t2v)).status).toBe(200);
    expect((await call(f, 'POST', '/v1/text_to_video', t2v)).status).toBe(429);
    now += 24 * 3600_000 + 1;
    expect((await call(f, 'POST', '/v1/text_to_video', t2v)).status).toBe(200);
    expect(f.stats()).toMatchObject({ createPosts: 4, tasksCreated: 3 });
  });

  it('injected 5xx carry Retry-After and x-should-retry; "after" faults still create (and bill) the task; a 503 never comes after one', async () => {
    const f = await start();
    const post = () => fetch(`${f.baseUrl}/v1/text_to_video`, { method: 'POST', headers: { authorization: `Bearer ${f.key}`, 'x-runway-version': RUNWAY_VERSION, 'content-type': 'application/json' }, body: JSON.stringify(t2v) });
    f.inject({ route: 'create', fault: { kind: 'status', status: 504, retryAfter: '4', shouldRetry: 'false', after: true } });
    const res = await post();
    expect(res.status).toBe(504);
    expect(res.headers.get('retry-after')).toBe('4');
    expect(res.headers.get('x-should-retry')).toBe('false');
    expect(f.stats()).toMatchObject({ createPosts: 1, tasksCreated: 1 });
    f.inject({ route: 'create', fault: { kind: 'status', status: 503, retryAfter: '2' } });
    expect((await post()).status).toBe(503);
    expect(f.stats()).toMatchObject({ createPosts: 2, tasksCreated: 1 });
    expect(() => f.inject({ route: 'create', fault: { kind: 'status', status: 503, after: true } })).toThrow(/shed the request before making a task/);
  });

  it('DELETE cancels an unfinished task (cost 0) and removes a finished one (then 404)', async () => {
    let now = 1_800_000_000_000;
    const f = await start({ now: () => now });
    const a = (await call(f, 'POST', '/v1/text_to_video', t2v)).json!.id as string;
    expect((await call(f, 'DELETE', `/v1/tasks/${a}`)).status).toBe(204);
    expect((await call(f, 'GET', `/v1/tasks/${a}`)).json).toMatchObject({ status: 'CANCELLED', cost: { credits: 0 } });
    const b = (await call(f, 'POST', '/v1/text_to_video', t2v)).json!.id as string;
    now += 1000;
    const out = (await call(f, 'GET', `/v1/tasks/${b}`)).json!.output as string[];
    expect((await call(f, 'DELETE', `/v1/tasks/${b}`)).status).toBe(204);
    expect((await call(f, 'GET', `/v1/tasks/${b}`)).status).toBe(404);
    expect((await fetch(out[0]!)).status).toBe(404);
    expect((await call(f, 'DELETE', `/v1/tasks/${b}`)).status).toBe(404);
    expect((await call(f, 'PUT', `/v1/tasks/${b}`)).status).toBe(405);
    expect(f.stats().billedCredits).toBe(60);
  });

  it('output URLs expire, and each GET hands out a fresh one', async () => {
    let now = 1_800_000_000_000;
    const f = await start({ now: () => now, outputUrlTtlMs: 1000 });
    const id = (await call(f, 'POST', '/v1/text_to_video', t2v)).json!.id as string;
    now += 500;
    const [u1] = (await call(f, 'GET', `/v1/tasks/${id}`)).json!.output as string[];
    const ok = await fetch(u1!);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await ok.arrayBuffer()).subarray(4, 8).toString('latin1')).toBe('ftyp');
    now += 1500;
    expect((await fetch(u1!)).status).toBe(403);
    const [u2] = (await call(f, 'GET', `/v1/tasks/${id}`)).json!.output as string[];
    expect(u2).not.toBe(u1);
    expect((await fetch(u2!)).status).toBe(200);
    expect((await fetch(u2!.replace(/sig=[0-9a-f]+/, 'sig=00'))).status).toBe(403);
  });

  it('organization and usage report balance, limits, daily usage and billed credits by date', async () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    const f = await start({ now: () => now + 1000, creditBalance: 1000, tier: { 'veo3.1': { maxConcurrentGenerations: 4 } } });
    f.planOutcomes({ status: 'SUCCEEDED', cost: 0 });
    await call(f, 'POST', '/v1/text_to_video', t2v);
    await call(f, 'POST', '/v1/text_to_video', t2v);
    const org = (await call(f, 'GET', '/v1/organization')).json!;
    expect(org).toMatchObject({ creditBalance: 880, tier: { models: { 'veo3.1': { maxConcurrentGenerations: 4, maxDailyGenerations: 200 } } }, usage: { models: { 'gen4.5': { dailyGenerations: 2 } } } });
    expect((await call(f, 'POST', '/v1/organization/usage', {})).json).toMatchObject({ results: [] });
  });

  it('usage reports billed credits per UTC day and model, beforeDate exclusive', async () => {
    let now = Date.parse('2026-11-21T23:59:00Z');
    const f = await start({ now: () => now });
    await call(f, 'POST', '/v1/text_to_video', t2v); // ends 110 ms later on the fake clock: 2026-11-21
    now = Date.parse('2026-11-22T12:00:00Z');
    await call(f, 'POST', '/v1/text_to_video', { ...t2v, duration: 2 });
    now += 500;
    expect(f.stats().billedCredits).toBe(84);
    expect((await call(f, 'POST', '/v1/organization/usage', {})).json).toEqual({
      models: ['gen4.5'],
      results: [
        { date: '2026-11-21', usedCredits: [{ model: 'gen4.5', amount: 60 }] },
        { date: '2026-11-22', usedCredits: [{ model: 'gen4.5', amount: 24 }] },
      ],
    });
    expect((await call(f, 'POST', '/v1/organization/usage', { startDate: '2026-11-21', beforeDate: '2026-11-22' })).json!.results).toEqual([{ date: '2026-11-21', usedCredits: [{ model: 'gen4.5', amount: 60 }] }]);
  });

  it('counts the most tasks of a model in flight at once, throttled ones too, until they end or are cancelled', async () => {
    let now = Date.parse('2026-11-22T10:00:00Z');
    const f = await start({ now: () => now, tier: { 'gen4.5': { maxConcurrentGenerations: 1 } } });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await call(f, 'POST', '/v1/text_to_video', t2v)).json!.id as string);
    expect(f.stats().maxInFlightByModel).toEqual({ 'gen4.5': 3 });
    now += 5;
    await call(f, 'DELETE', `/v1/tasks/${ids[2]!}`);
    now += 105; // the first ends; the second, throttled until now, starts
    await call(f, 'POST', '/v1/text_to_video', t2v);
    expect(f.stats().maxInFlightByModel).toEqual({ 'gen4.5': 3 });
    now += 10;
    for (let i = 0; i < 2; i++) await call(f, 'POST', '/v1/text_to_video', { ...t2v, duration: 2 });
    expect(f.stats().maxInFlightByModel).toEqual({ 'gen4.5': 4 });
    now += 10_000;
    await call(f, 'POST', '/v1/image_to_video', { model: 'gen4_turbo', promptImage: 'https://example.com/a.png', ratio: '1280:720', duration: 5 });
    expect(f.stats().maxInFlightByModel).toEqual({ 'gen4.5': 4, gen4_turbo: 1 });
  });

  it('chaos faults are reproducible from the seed', async () => {
    const run = async (seed: number): Promise<number[]> => {
      const f = await FakeRunway.start({ fast: true, chaos: { seed, create: { p429: 0.2, p5xxBefore: 0.2 } } });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await call(f, 'POST', '/v1/text_to_video', t2v)).status);
      await f.stop();
      return statuses;
    };
    const a = await run(11);
    expect(await run(11)).toEqual(a);
    expect(a.some((s) => s !== 200)).toBe(true);
    expect(a.some((s) => s === 200)).toBe(true);
  });

  it('stops by itself after the idle timeout', async () => {
    const f = await start({ idleTimeoutMs: 100 });
    expect((await call(f, 'GET', '/v1/organization')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(f.isStopped).toBe(true);
    await expect(fetch(`${f.baseUrl}/v1/organization`)).rejects.toThrow();
  });
});
