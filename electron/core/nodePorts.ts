import { randomBytes } from 'node:crypto';
import type { Clock, Ids, Logger, LogLevel, Notifier, Ports } from './ports';

export const systemClock: Clock = { now: () => Date.now() };

/** Random bytes an id set takes from at a time: one call into the system's generator per 341 ids, not per id. */
const RANDOM_POOL = 4092;

/** Time-ordered ids: 9 base36 chars of milliseconds, then 12 random base36 chars. */
export function createIds(clock: Clock = systemClock): Ids {
  let pool = Buffer.alloc(0);
  let at = 0;
  return {
    newId(prefix: string): string {
      const t = clock.now().toString(36).padStart(9, '0');
      // Each byte is used once; a fresh pool is drawn when this one is spent.
      if (at + 12 > pool.length) {
        pool = randomBytes(RANDOM_POOL);
        at = 0;
      }
      let r = '';
      for (let i = at; i < at + 12; i++) r += (pool[i]! % 36).toString(36);
      at += 12;
      return `${prefix}_${t}${r}`;
    },
  };
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** JSON lines on stderr. Fields must never include prompt text: callers log params_hash instead. */
export function createStderrLogger(minLevel: LogLevel = 'info'): Logger {
  return {
    log(level, msg, fields) {
      if (LEVELS[level] < LEVELS[minLevel]) return;
      process.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields })}\n`);
    },
  };
}

export const silentLogger: Logger = { log: () => undefined };

export const consoleNotifier: Notifier = {
  notify: (title, body) => process.stderr.write(`[notice] ${title}: ${body}\n`),
};

export function createNodePorts(opts: { logLevel?: LogLevel; quiet?: boolean } = {}): Ports {
  return {
    clock: systemClock,
    ids: createIds(systemClock),
    logger: opts.quiet ? silentLogger : createStderrLogger(opts.logLevel ?? 'info'),
    notifier: opts.quiet ? { notify: () => undefined } : consoleNotifier,
  };
}
