import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { assertHonest, chaosFault, chaosOutcome, seeded, type ChaosOptions, type FakeRoute, type Fault, type FaultRule } from './fakeFaults';

export type { RequestRecord } from './fakeHttp';
import { FakeBilling } from './fakeBilling';
import { applyFault, bump, header, readBody, routeOf, taskIdOf, type RequestRecord } from './fakeHttp';
import { FAKE_MODELS, validateCreate, type FakeEndpoint } from './fakeModels';
import { FakeTaskBook, isTerminal, maxInFlightByModel, type FakeTask, type PlannedOutcome, type Timing } from './fakeTasks';
import { FakeVideos } from './fakeVideo';

export const RUNWAY_VERSION = '2024-11-06';
const DAY = 24 * 3600_000;

export interface TierLimits {
  maxConcurrentGenerations: number | null;
  maxDailyGenerations: number | null;
}

export interface FakeRunwayOptions {
  /** Accepted API keys; default one fresh `key_` + 128 hex. */
  keys?: string[];
  /** The fake's clock (ms). Default Date.now; pass a fake clock to step time by hand. */
  now?: () => number;
  /** Fast timing so tests don't wait 5 s per poll: PENDING 30 ms, RUNNING 80 ms (default 5 s / 20 s). */
  fast?: boolean;
  timing?: Partial<Timing>;
  /** Stops itself after this long without a request (default 60 s). */
  idleTimeoutMs?: number;
  creditBalance?: number;
  /** Per model; default 2 concurrent and 200 a day for every model. */
  tier?: Record<string, Partial<TierLimits>>;
  maxMonthlyCreditSpend?: number;
  /** How long an output URL stays valid (default 24 h). */
  outputUrlTtlMs?: number;
  chaos?: ChaosOptions;
}

export interface FakeRunwayStats {
  /** POSTs that reached a create endpoint (whatever the answer). */
  createPosts: number;
  createPostsByKeyModel: Record<string, number>;
  /** Tasks actually created (and so billable). */
  tasksCreated: number;
  tasksCreatedByKeyModel: Record<string, number>;
  /** Σ terminal cost.credits. */
  billedCredits: number;
  creditBalance: number;
  /** Per model, the most of its tasks in flight at once (created, not yet ended): what the tier's concurrency limit bounds. */
  maxInFlightByModel: Record<string, number>;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string>; raw?: Buffer };

/**
 * A fake Runway API on 127.0.0.1 (random port) for tests: the surface and the faults listed in
 * docs/runway.md §10 ("Fake server checklist"). Count its creates to prove no duplicate task was made and
 * its billed credits to prove captured == billed.
 */
export class FakeRunway {
  readonly keys: string[];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly book: FakeTaskBook;
  private readonly videos = new FakeVideos();
  private readonly rules: FaultRule[] = [];
  private readonly outcomes: PlannedOutcome[] = [];
  private readonly tier = new Map<string, TierLimits>();
  private readonly signKey = randomBytes(16);
  private readonly rnd: () => number;
  private readonly billing: FakeBilling;
  private idleTimer: NodeJS.Timeout | null = null;
  private stopped: Promise<void> | null = null;
  readonly requests: RequestRecord[] = [];
  private counts = { createPosts: new Map<string, number>(), created: new Map<string, number>() };
  baseUrl = '';

  private constructor(private readonly opts: FakeRunwayOptions) {
    this.keys = opts.keys ?? [`key_${randomBytes(64).toString('hex')}`];
    this.billing = new FakeBilling(opts.creditBalance ?? 100_000);
    this.rnd = seeded(opts.chaos?.seed ?? 1);
    for (const model of Object.keys(FAKE_MODELS)) this.tier.set(model, { maxConcurrentGenerations: 2, maxDailyGenerations: 200, ...opts.tier?.[model] });
    const timing: Timing = { ...(opts.fast ? { pendingMs: 30, runningMs: 80 } : { pendingMs: 5000, runningMs: 20_000 }), ...opts.timing };
    this.book = new FakeTaskBook(
      () => timing,
      (m) => this.tier.get(m)?.maxConcurrentGenerations ?? null,
      (t) => this.settle(t),
    );
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(opts: FakeRunwayOptions = {}): Promise<FakeRunway> {
    const f = new FakeRunway(opts);
    await new Promise<void>((resolve) => f.server.listen(0, '127.0.0.1', resolve));
    f.server.unref();
    f.baseUrl = `http://127.0.0.1:${(f.server.address() as AddressInfo).port}`;
    f.touch();
    return f;
  }

  get key(): string {
    return this.keys[0]!;
  }

  now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Queues a fault for matching requests (first match wins, in the order added). */
  inject(rule: FaultRule): void {
    assertHonest(rule.fault);
    this.rules.push({ times: 1, ...rule });
  }

  /** How the next created tasks end, in order (then: SUCCEEDED at the estimate). */
  planOutcomes(...o: PlannedOutcome[]): void {
    this.outcomes.push(...o);
  }

  /** Spend from the same organization by someone else: the balance drops and /usage reports it; no task of ours. */
  spendElsewhere(credits: number, model = 'gen4.5'): void {
    this.billing.spendElsewhere(credits, model, this.now());
  }

  /** Credits bought at Runway outside any app: the balance grows. */
  topUp(credits: number): void {
    this.billing.topUp(credits);
  }

  setTier(model: string, limits: Partial<TierLimits>): void {
    this.tier.set(model, { ...this.tier.get(model)!, ...limits });
    this.book.advance(this.now());
  }

  task(id: string): FakeTask | undefined {
    return this.book.all(this.now()).find((t) => t.id === id);
  }

  tasks(): FakeTask[] {
    return this.book.all(this.now());
  }

  stats(): FakeRunwayStats {
    this.book.advance(this.now());
    const sum = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
    return {
      createPosts: sum(this.counts.createPosts),
      createPostsByKeyModel: Object.fromEntries(this.counts.createPosts),
      tasksCreated: sum(this.counts.created),
      tasksCreatedByKeyModel: Object.fromEntries(this.counts.created),
      billedCredits: this.billing.total(),
      creditBalance: this.billing.balance,
      maxInFlightByModel: maxInFlightByModel(this.book.all(this.now()), this.now()),
    };
  }

  /** Stops listening and drops every open connection: the next request gets ECONNREFUSED (it never reaches the fake). */
  async suspend(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  /** Listens again on the same port after suspend(). */
  async resume(): Promise<void> {
    const port = Number(new URL(this.baseUrl).port);
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.touch();
  }

  stop(): Promise<void> {
    if (!this.stopped) {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.stopped = new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        for (const s of this.sockets) s.destroy();
      }).finally(() => this.videos.dispose());
    }
    return this.stopped;
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.stop(), this.opts.idleTimeoutMs ?? 60_000);
    this.idleTimer.unref();
  }

  private settle(t: FakeTask): void {
    this.billing.settle(t, t.endedAt ?? this.now());
  }

  private takeFault(route: FakeRoute, model: string | undefined): Fault | null {
    const i = this.rules.findIndex((r) => (r.route === 'any' || r.route === route) && (r.model === undefined || r.model === model));
    if (i >= 0) {
      const r = this.rules[i]!;
      r.times = (r.times ?? 1) - 1;
      if (r.times <= 0) this.rules.splice(i, 1);
      return r.fault;
    }
    return this.opts.chaos ? chaosFault(this.opts.chaos, route, this.rnd) : null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.touch();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = routeOf(req.method ?? 'GET', url.pathname);
    const rec: RequestRecord = {
      method: req.method ?? '',
      path: url.pathname,
      route,
      keyId: null,
      status: 0,
      headers: { idempotencyKey: header(req, 'idempotency-key'), retryCount: header(req, 'x-stainless-retry-count'), runwayVersion: header(req, 'x-runway-version') },
      at: this.now(),
    };
    this.requests.push(rec);
    const send = (r: Reply): void => {
      rec.status = r.status;
      const body = r.raw ?? (r.body === undefined ? undefined : Buffer.from(JSON.stringify(r.body)));
      res.writeHead(r.status, { ...(r.raw ? {} : body ? { 'content-type': 'application/json' } : {}), ...(body ? { 'content-length': String(body.length) } : {}), ...r.headers });
      res.end(body);
    };
    try {
      const body = await readBody(req, route === 'upload-storage' ? 210 * 1024 * 1024 : 12 * 1024 * 1024);
      if (route === 'output') return void (await this.output(url, res, rec));
      if (route === 'upload-storage') return send({ status: 204 });
      if (route === 'unknown') return send({ status: 404, body: { error: 'Not found' } });
      if (route === 'method') return send({ status: 405, body: { error: 'Method not allowed' } });
      const keyId = this.auth(req);
      rec.keyId = keyId;
      if (!keyId) return send({ status: 401, body: { error: 'Invalid API key. Check that your key is correct and enabled.' } });
      if (rec.headers.runwayVersion !== RUNWAY_VERSION) return send({ status: 400, body: { error: `X-Runway-Version header must be set to ${RUNWAY_VERSION}` } });
      let json: unknown;
      try {
        json = body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined;
      } catch {
        return send({ status: 400, body: { error: 'Request body is not valid JSON' } });
      }
      const model = route === 'create' ? String((json as { model?: unknown } | undefined)?.model ?? '') : undefined;
      if (route === 'create') bump(this.counts.createPosts, `${keyId}:${model}`);
      const fault = this.takeFault(route === 'uploads' ? 'upload' : route, model);
      if (fault && !('after' in fault && fault.after)) {
        const done = await applyFault(fault, res, rec, req);
        if (done) return;
      }
      const reply = this.route(route, url, json, keyId);
      if (fault && 'after' in fault && fault.after) {
        const done = await applyFault(fault, res, rec, req);
        if (done) return;
      }
      send(reply);
    } catch (e) {
      if (!res.headersSent) send({ status: 500, body: { error: `fake runway: ${(e as Error).message}` } });
    }
  }

  private auth(req: IncomingMessage): string | null {
    const m = /^Bearer (key_[0-9a-f]{128})$/.exec(header(req, 'authorization') ?? '');
    const i = m ? this.keys.indexOf(m[1]!) : -1;
    return i >= 0 ? `k${i}` : null;
  }

  private route(route: Exclude<FakeRoute, 'output' | 'upload'> | 'uploads', url: URL, json: unknown, keyId: string): Reply {
    const now = this.now();
    switch (route) {
      case 'create':
        return this.create(url.pathname.slice('/v1/'.length) as FakeEndpoint, json, keyId, now);
      case 'get': {
        const t = this.book.get(taskIdOf(url), now);
        return t ? { status: 200, body: this.taskJson(t, now) } : { status: 404, body: { error: 'Task not found' } };
      }
      case 'delete':
        return this.book.remove(taskIdOf(url), now) === 'missing' ? { status: 404, body: { error: 'Task not found' } } : { status: 204 };
      case 'organization':
        return { status: 200, body: this.organization(now) };
      case 'usage':
        return { status: 200, body: this.billing.usage(json) };
      case 'uploads': {
        const id = randomUUID();
        return { status: 200, body: { uploadUrl: `${this.baseUrl}/upload-storage/${id}`, fields: { key: id }, runwayUri: `runway://uploads/${id}` } };
      }
    }
  }

  private create(endpoint: FakeEndpoint, json: unknown, keyId: string, now: number): Reply {
    const v = validateCreate(endpoint, json);
    if ('error' in v) return { status: 400, body: { error: v.error } };
    const limits = this.tier.get(v.model)!;
    const today = this.book.all(now).filter((t) => t.model === v.model && t.createdAt > now - DAY).length;
    if (limits.maxDailyGenerations !== null && today >= limits.maxDailyGenerations) {
      return { status: 429, body: { error: `You have reached the daily generation limit for ${v.model} (${limits.maxDailyGenerations} per 24 hours).` } };
    }
    if (!this.billing.canAfford(v.estimatedCredits)) return { status: 400, body: { error: 'You do not have enough credits to run this task.' } };
    const outcome = this.outcomes.shift() ?? (this.opts.chaos ? chaosOutcome(this.opts.chaos, this.rnd) : null) ?? { status: 'SUCCEEDED' };
    const task: FakeTask = {
      id: randomUUID(),
      keyId,
      model: v.model,
      endpoint,
      body: json as Record<string, unknown>,
      ratio: v.ratio,
      durationSec: v.durationSec,
      estimate: v.estimatedCredits,
      createdAt: now,
      status: 'THROTTLED',
      admittedAt: null,
      startedAt: null,
      endedAt: null,
      wasThrottled: false,
      outcome,
      cost: null,
      isDeleted: false,
    };
    this.billing.reserve(v.estimatedCredits);
    bump(this.counts.created, `${keyId}:${v.model}`);
    this.book.add(task, now);
    return { status: 200, body: { id: task.id, estimatedCost: { credits: task.estimate } } };
  }

  private taskJson(t: FakeTask, now: number): Record<string, unknown> {
    const base = { id: t.id, createdAt: new Date(t.createdAt).toISOString(), status: t.status };
    switch (t.status) {
      case 'THROTTLED':
      case 'PENDING':
        return { ...base, estimatedCost: { credits: t.estimate } };
      case 'RUNNING':
        return { ...base, estimatedCost: { credits: t.estimate }, progress: this.book.progress(t, now) };
      case 'SUCCEEDED':
        return { ...base, cost: { credits: t.cost }, output: [this.outputUrl(t, 0, now)] };
      case 'FAILED':
        return { ...base, cost: { credits: t.cost }, failure: t.outcome.failure ?? 'The task failed.', ...(t.outcome.failureCode ? { failureCode: t.outcome.failureCode } : {}) };
      case 'CANCELLED':
        return { ...base, cost: { credits: t.cost } };
    }
  }

  private sign(path: string, exp: number): string {
    return createHmac('sha256', this.signKey).update(`${path}?${exp}`).digest('hex').slice(0, 32);
  }

  private outputUrl(t: FakeTask, i: number, now: number): string {
    const path = `/outputs/${t.id}/${i}.mp4`;
    const exp = now + (this.opts.outputUrlTtlMs ?? DAY);
    return `${this.baseUrl}${path}?exp=${exp}&sig=${this.sign(path, exp)}`;
  }

  private async output(url: URL, res: ServerResponse, rec: RequestRecord): Promise<void> {
    const exp = Number(url.searchParams.get('exp'));
    const reply = (status: number, error: string): void => {
      rec.status = status;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
    };
    if (url.searchParams.get('sig') !== this.sign(url.pathname, exp)) return reply(403, 'Signature does not match');
    if (this.now() > exp) return reply(403, 'Request has expired');
    const t = this.book.get(url.pathname.split('/')[2] ?? '', this.now());
    if (!t || t.status !== 'SUCCEEDED') return reply(404, 'No such output');
    const fault = this.takeFault('output', t.model);
    const bytes = await this.videos.bytes(t.ratio, t.durationSec);
    if (fault?.kind === 'truncate') {
      rec.status = 200;
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(bytes.length) });
      res.write(bytes.subarray(0, bytes.length >> 1));
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    if (fault && (await applyFault(fault, res, rec))) return;
    rec.status = 200;
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(bytes.length) }).end(bytes);
  }

  private organization(now: number): unknown {
    const tasks = this.book.all(now);
    const models: Record<string, TierLimits> = Object.fromEntries(this.tier);
    const usage: Record<string, { dailyGenerations: number }> = {};
    for (const m of this.tier.keys()) usage[m] = { dailyGenerations: tasks.filter((t) => t.model === m && t.createdAt > now - DAY).length };
    return { creditBalance: this.billing.balance, tier: { maxMonthlyCreditSpend: this.opts.maxMonthlyCreditSpend ?? 10_000, models }, usage: { models: usage } };
  }

  /** For tests that need to know it is gone. */
  get isStopped(): boolean {
    return this.stopped !== null;
  }

  /** Whether a task id was ever billed (terminal). */
  billedFor(taskId: string): number | null {
    return this.billing.billedFor(taskId);
  }

  /** Terminal tasks, for reconciliation checks. */
  finishedTasks(): FakeTask[] {
    return this.tasks().filter((t) => isTerminal(t.status));
  }
}
