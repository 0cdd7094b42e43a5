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
} as const;

export const systemEvents = {} as const;
