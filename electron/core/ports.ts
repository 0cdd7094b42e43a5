import type { ToolStatus } from '../../shared/contract/system';

/**
 * Platform needs reach core as small ports. Electron main implements them with Electron;
 * the host and the CLI implement them with plain Node (see nodePorts.ts).
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface Ids {
  /** A new unique id with the given prefix, e.g. `prj_…`. Lower-case base36, sortable by time. */
  newId(prefix: string): string;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
}

export interface Notifier {
  /** An OS-level notification (Electron), or a no-op / console line elsewhere. */
  notify(title: string, body: string): void;
}

/** Native dialogs: the Electron window has them; the host and the CLI do not (absent). */
export interface Dialogs {
  /** The folder the user picked, or null when they cancelled. */
  pickFolder(title: string): Promise<string | null>;
}

/**
 * The tools this door can look up (`system.doctor`): the CLI and the host report ffmpeg and ffprobe
 * with their versions, Chromium and Electron's binary. Without it core lists ffmpeg and ffprobe by path.
 */
export type ToolLookup = () => ToolStatus[];

export interface Ports {
  clock: Clock;
  ids: Ids;
  logger: Logger;
  notifier: Notifier;
  dialogs?: Dialogs;
  tools?: ToolLookup;
}
