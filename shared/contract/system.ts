import { z } from 'zod';
import { Empty, query } from './define';

export const SystemInfo = z.object({
  appVersion: z.string(),
  door: z.enum(['electron', 'host', 'cli']),
  dataDir: z.string(),
  dbVersion: z.number().int(),
  dbFile: z.string(),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

export const systemCalls = {
  'system.info': query(Empty, SystemInfo),
  /** A native folder picker (the Electron window only; elsewhere VALIDATION: type the path). */
  'system.pickFolder': query(z.object({ title: z.string().max(100).optional() }).strict(), z.object({ dir: z.string().nullable() })),
} as const;

export const systemEvents = {} as const;
