import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { parseConfigText, type ConfigProblem } from './configFile';
import type { ConfigKey } from './configVersions';

/** One plan or rate-card file as read from disk: parsed, or the problem that names its file, line and field. */
export interface FileRead<T> {
  key: ConfigKey;
  file: string;
  dir: string;
  source: 'builtin' | 'user';
  parsed: { ok: true; value: T; text: string } | { ok: false; problem: ConfigProblem };
}

/**
 * The files of one kind, built-in first (resources/plans, resources/rates) and then the user's
 * (<dataDir>/plans, <dataDir>/rates), each folder in name order. Only the file system: no database.
 */
export function readConfigFiles<T>(dirs: { builtinDir: string; dataDir: string }, sub: 'plans' | 'rates', schema: z.ZodType<T>): FileRead<T>[] {
  const out: FileRead<T>[] = [];
  for (const [source, dir] of [
    ['builtin', join(dirs.builtinDir, sub)],
    ['user', join(dirs.dataDir, sub)],
  ] as const) {
    if (!existsSync(dir)) continue;
    const files = readdirSync(dir)
      .filter((f) => /\.ya?ml$/i.test(f))
      .sort();
    for (const f of files) {
      const file = join(dir, f);
      out.push({ key: { kind: sub === 'plans' ? 'plan' : 'rateCard', source, fileName: f }, file, dir, source, parsed: readConfigFile(file, schema) });
    }
  }
  return out;
}

function readConfigFile<T>(file: string, schema: z.ZodType<T>): FileRead<T>['parsed'] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { ok: false, problem: { file, line: 1, field: '(file)', message: `cannot be read: ${(e as Error).message}` } };
  }
  // Paths in messages are absolute: the user may have several data dirs.
  const parsed = parseConfigText(file, text, schema);
  return parsed.ok ? { ok: true, value: parsed.value, text } : parsed;
}

/** The line of a top-level or nested key, to point at in a message (1 when it cannot be found). */
export function lineOfKey(file: string, key: string): number {
  try {
    const lines = readFileSync(file, 'utf8').split('\n');
    const i = lines.findIndex((l) => new RegExp(`^\\s*${key}\\s*:`).test(l));
    return i >= 0 ? i + 1 : 1;
  } catch {
    // Only used to point at a line in a message; the file was readable a moment ago.
    return 1;
  }
}
