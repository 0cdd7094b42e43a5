import { z } from 'zod';
import { Empty, mutation, query } from './define';

export const SystemInfo = z.object({
  appVersion: z.string(),
  door: z.enum(['electron', 'host', 'cli']),
  dataDir: z.string(),
  dbVersion: z.number().int(),
  dbFile: z.string(),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

/** One tool Circle Take uses, as `circletake doctor` reports it: where it is, or what to install. */
export const ToolStatus = z.object({
  name: z.string(),
  ok: z.boolean(),
  path: z.string().nullable(),
  /** Where the lookup found it (an environment variable, an npm package, the PATH). */
  source: z.string().optional(),
  version: z.string().optional(),
  /** What to do when it is missing. */
  fix: z.string().optional(),
});
export type ToolStatus = z.infer<typeof ToolStatus>;

/** Where the preview and release stores keep new clips, and whether a probe object could be written, read back and deleted. */
export const StoreStatus = z.object({
  kind: z.enum(['local', 's3']),
  /** s3://bucket/prefix/ (endpoint, region, path-style) or the local folders; never a credential. */
  where: z.string(),
  ok: z.boolean(),
  steps: z.array(z.string()).optional(),
  error: z.string().optional(),
  /** The setting to change when the probe failed (CIRCLETAKE_STORE_URL, the AWS credential variables, …). */
  setting: z.string().optional(),
});
export type StoreStatus = z.infer<typeof StoreStatus>;

/**
 * `circletake doctor --json` (fixed): the tools, the data dir and the database. Through the contract
 * the database is open, so it is always `{file, version}`; the CLI reports `{error}` when it cannot
 * open core at all (the case doctor exists for).
 */
export const DoctorReport = z.object({
  binaries: z.array(ToolStatus),
  dataDir: z.string(),
  database: z.union([
    z.object({
      file: z.string(),
      /** The schema version (the highest migration applied); the same number as schemaVersion. */
      version: z.number().int(),
      /** Which engine holds the core's data, from the engine itself. */
      engine: z.enum(['sqlite', 'postgres']).optional(),
      /** `SQLite 3.x` or `PostgreSQL 18.x`. */
      serverVersion: z.string().optional(),
      schemaVersion: z.number().int().optional(),
      /** A file path, or host:port/database with no credentials. */
      where: z.string().optional(),
    }),
    z.object({ error: z.string() }),
  ]),
  /**
   * The studio's PostgreSQL when CIRCLETAKE_DATABASE_URL names one (the CLI's doctor probes it): where
   * (host:port/database, never the password), its version and schema version, or why it cannot be used.
   */
  studioDatabase: z
    .union([
      z.object({ where: z.string(), engine: z.literal('postgres'), serverVersion: z.string(), schemaVersion: z.number().int(), appSchemaVersion: z.number().int() }),
      z.object({ where: z.string(), error: z.string() }),
    ])
    .optional(),
  /** Where the media stores keep new clips, probed; absent only when core could not open. */
  store: StoreStatus.optional(),
});
export type DoctorReport = z.infer<typeof DoctorReport>;

/**
 * Where the session works: on this machine ("local", the data dir's own core) or on a studio. Only the
 * desktop app can switch (`canSwitch`); a browser host, a studio's own page and the CLI answer for the
 * core they are served by.
 */
export const Connection = z
  .object({
    mode: z.enum(['local', 'studio']),
    /** The studio's address (origin) when the desktop is connected to one; null otherwise. */
    studio: z.string().nullable(),
    /** Who this session is on the studio (a member); null for the machine's owner. */
    member: z.object({ id: z.string(), name: z.string(), role: z.string() }).strict().nullable(),
    canSwitch: z.boolean(),
  })
  .strict();
export type Connection = z.infer<typeof Connection>;

export const ConnectRequest = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('local') }).strict(),
  z
    .object({
      mode: z.literal('studio'),
      /** The studio's address, https://… (or http:// on this machine or a trusted network). */
      url: z.string().trim().min(1, 'the studio\'s address is empty').max(2000),
      /** The invite an admin sent: its secret, or the whole link carrying it. */
      invite: z.string().trim().min(1, 'paste the invite your studio admin sent you').max(2000),
    })
    .strict(),
]);
export type ConnectRequest = z.infer<typeof ConnectRequest>;

export const SaveExportRequest = z
  .object({
    /** The export's name on the studio (export.run's toDir for a member). */
    name: z.string().trim().min(1, 'name: the export\'s name is empty').max(80),
    /** The files it holds, as export.run answered (takes, sequence, manifest). */
    files: z.array(z.string().min(1).max(200)).min(1, 'files: name at least one file of the export').max(200),
    /** A full path on this computer; absent: pick it in a dialog. */
    toDir: z.string().trim().min(1).max(4096).optional(),
  })
  .strict();
export type SaveExportRequest = z.infer<typeof SaveExportRequest>;

export const systemCalls = {
  'system.info': query(Empty, SystemInfo),
  /** A native folder picker (the Electron window only; elsewhere VALIDATION: type the path). */
  /**
   * The tools in use (ffmpeg, ffprobe, and where the door has them Chromium and Electron's binary), the
   * data dir and the database. The owner's only: it names paths on this machine.
   */
  'system.doctor': query(Empty, DoctorReport),
  'system.connection': query(Empty, Connection),
  /** The desktop app only (Electron main answers it): accept an invite and work on that studio, or work locally again. */
  'system.connect': mutation(ConnectRequest, Connection),
  'system.pickFolder': query(z.object({ title: z.string().max(100).optional() }).strict(), z.object({ dir: z.string().nullable() })),
  /**
   * The desktop app on a studio only (Electron main answers it): copy a member's named export from the
   * studio into a folder on this computer — `toDir`, or one picked in a native dialog when absent (dir
   * null: the pick was cancelled, nothing written). Files already there are never overwritten.
   */
  'system.saveExport': mutation(SaveExportRequest, z.object({ dir: z.string().nullable(), files: z.array(z.string()) }).strict()),
} as const;

/** The desktop's core process (Electron): it stopped (calls fail until it is back), was restarted, or is gone for good. */
export const CoreStatus = z
  .object({ state: z.enum(['stopped', 'restarted', 'failed']), message: z.string().max(500) })
  .strict();
export type CoreStatus = z.infer<typeof CoreStatus>;

export const systemEvents = {
  'system.coreStatus': CoreStatus,
} as const;
