import { AppError } from '../../shared/errors';
import { openCore, type Core } from '../core/createCore';
import { createIds, createStderrLogger, systemClock } from '../core/nodePorts';
import type { Ports } from '../core/ports';
import type { SecretKeys } from '../core/security/promptVault';
import { IDLE, onJobChanged } from './batchProgress';
import { MediaAnswers } from './mediaAnswers';
import type { CoreProcessConfig, CoreToMain, MainToCore, Wire } from './protocol';
import { serveReviewsOnDemand } from './reviewServer';

/**
 * The core process: the only place the desktop app runs the core (SQLite, the queue, ffmpeg
 * orchestration, hashing). Electron starts it as a utilityProcess (electron/utility/index.ts wires
 * `process.parentPort` to this); tests drive it over a worker_threads MessageChannel or a Node child
 * process. Main only relays: it never runs a handler.
 *
 * Lifecycle: `init` (once, first) → createCore, queue and daily retention started → `ready`; then
 * calls, media answers and pulls; `dispose` stops the review server, disposes the core and answers,
 * then `exit` (the process ends in the app).
 */
export interface CoreServiceOptions {
  /** Called after `dispose` has been answered (the utility process exits). */
  exit?: () => void;
}

export function serveCore(wire: Wire<MainToCore, CoreToMain>, opts: CoreServiceOptions = {}): void {
  let core: Core | null = null;
  let media: MediaAnswers | null = null;
  let stopReviews: (() => Promise<void>) | null = null;
  const asked = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextAsk = 1;

  const ask = <T>(msg: { op: 'runwayKey' } | { op: 'pickFolder'; title: string }): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextAsk++;
      asked.set(id, { resolve: resolve as (v: unknown) => void, reject });
      wire.post({ t: 'request', id, ...msg });
    });

  const start = async (config: CoreProcessConfig) => {
    const ports = corePorts(config, wire, ask);
    try {
      const databaseUrl = config.databaseUrl ?? (process.env.CIRCLETAKE_DATABASE_URL || undefined);
      core = await openCore(
        {
          dataDir: config.dataDir,
          appVersion: config.appVersion,
          isStrict: config.isStrict,
          ...(config.sqliteBinding ? { sqliteBinding: config.sqliteBinding } : {}),
          ...(config.resourcesDir ? { resourcesDir: config.resourcesDir } : {}),
          ...(config.storeUrl ? { storeUrl: config.storeUrl } : {}),
          ...(databaseUrl ? { databaseUrl } : {}),
          ...(config.storeCredentials ? { storeCredentials: config.storeCredentials } : {}),
          ...(config.secretKeysHex ? { secretKeys: hexKeys(config.secretKeysHex) } : {}),
          ...(config.runwayKeyFromMain ? { runwayKeys: { getKey: () => ask<string | null>({ op: 'runwayKey' }) } } : {}),
        },
        ports,
      );
    } catch (e) {
      ports.logger.log('error', 'the core could not start', { error: (e as Error).message });
      wire.post({ t: 'failed', message: (e as Error).message });
      return;
    }
    const c = core;
    media = new MediaAnswers(c.resolveMedia);
    if (config.rendererDir) stopReviews = serveReviewsOnDemand(c, config.rendererDir);
    c.events.subscribeLive((name, payload) => wire.post({ t: 'event', name, payload }));
    // The taskbar and the end-of-batch notice follow this process's own jobs (not other sessions').
    let batch = IDLE;
    c.events.subscribe((name, payload) => {
      if (name !== 'jobs.changed') return;
      const u = onJobChanged(batch, (payload as { job: { id: string; status: string } }).job);
      batch = u.state;
      wire.post({ t: 'progress', value: u.progress });
      if (u.notice) c.ports.notifier.notify(u.notice.title, u.notice.body);
    });
    try {
      await c.queue.start();
    } catch (e) {
      ports.logger.log('error', 'the queue could not start', { error: (e as Error).message });
      wire.post({ t: 'failed', message: (e as Error).message });
      return;
    }
    c.retention.startDaily();
    wire.post({ t: 'ready', pid: process.pid });
  };

  const dispose = async () => {
    media?.dispose();
    await stopReviews?.().catch(() => undefined);
    await core?.dispose();
    core = null;
    for (const a of asked.values()) a.reject(new AppError('CANCELLED', 'The core is shutting down.'));
    asked.clear();
  };

  const handle = async (msg: MainToCore) => {
    switch (msg.t) {
      case 'init':
        if (!core) await start(msg.config);
        return;
      case 'reply': {
        const a = asked.get(msg.id);
        asked.delete(msg.id);
        if (msg.ok) a?.resolve(msg.value);
        else a?.reject(new AppError('INTERNAL', msg.error));
        return;
      }
      case 'call': {
        if (!core) return wire.post({ t: 'result', id: msg.id, value: { ok: false, error: { code: 'DB_UNAVAILABLE', message: 'The core has not started.' } } });
        const value = await core.dispatch(msg.name, msg.input, msg.ctx).catch((e: unknown) => {
          core?.ports.logger.log('error', 'dispatch threw', { call: msg.name, error: (e as Error)?.message });
          return { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong inside Circle Take. It has been logged.' } };
        });
        return wire.post({ t: 'result', id: msg.id, value });
      }
      case 'media':
        return wire.post({ t: 'result', id: msg.id, value: media ? await media.answer(msg.req) : { status: 503, headers: {}, body: null } });
      case 'pull':
        return wire.post({ t: 'result', id: msg.id, value: media ? await media.pull(msg.stream).catch((e: unknown) => endStream(core, e)) : { done: true } });
      case 'cancel':
        return media?.cancel(msg.stream);
      case 'dispose':
        await dispose();
        wire.post({ t: 'result', id: msg.id, value: { ok: true } });
        opts.exit?.();
        return;
    }
  };

  // A message that fails is logged and answered, never left to reject unhandled (that would end the
  // core process) and never left unanswered (main would wait for its result).
  const failure = (msg: MainToCore): unknown =>
    msg.t === 'media'
      ? { status: 500, headers: {}, body: null }
      : msg.t === 'pull'
        ? { done: true }
        : { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong inside Circle Take. It has been logged.' } };
  wire.listen((msg) => {
    handle(msg).catch((e: unknown) => {
      core?.ports.logger.log('error', 'a message from main could not be handled', { t: msg.t, error: (e as Error)?.message ?? String(e) });
      if ('id' in msg && msg.t !== 'reply') wire.post({ t: 'result', id: msg.id, value: failure(msg) });
    });
  });
}

function corePorts(config: CoreProcessConfig, wire: Wire<MainToCore, CoreToMain>, ask: <T>(m: { op: 'pickFolder'; title: string }) => Promise<T>): Ports {
  return {
    clock: systemClock,
    ids: createIds(systemClock),
    logger: createStderrLogger(config.logLevel),
    // Notifications and dialogs are main's (Electron's Notification and dialog live there).
    notifier: { notify: (title, body) => wire.post({ t: 'notify', title, body }) },
    ...(config.hasDialogs ? { dialogs: { pickFolder: (title: string) => ask<string | null>({ op: 'pickFolder', title }) } } : {}),
  };
}

/** A media stream that failed mid-way ends short (the player sees fewer bytes than announced); the log says why. */
function endStream(core: Core | null, e: unknown): { done: true } {
  core?.ports.logger.log('warn', 'a media stream from the object store failed', { error: (e as Error)?.message });
  return { done: true };
}

/** The keys main unsealed from the OS keychain, held in this process's memory only. */
function hexKeys(hex: Record<string, string>): SecretKeys {
  const keys = new Map(Object.entries(hex).map(([k, v]) => [k, Buffer.from(v, 'hex')]));
  return {
    key(name) {
      const k = keys.get(name);
      if (!k) throw new AppError('INTERNAL', `The key "${name}" was not handed over from the keychain at startup.`);
      return k;
    },
  };
}
