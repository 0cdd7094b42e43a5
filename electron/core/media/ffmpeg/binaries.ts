import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import type { ToolStatus } from '../../../../shared/contract/system';

export type BinaryName = 'ffmpeg' | 'ffprobe';

export interface ResolvedBinary {
  name: BinaryName;
  path: string;
  /** Which link of the fallback chain supplied it. */
  source: 'env' | 'ffmpeg-static' | '@ffmpeg-installer/ffmpeg' | 'ffprobe-static' | 'PATH';
}

export interface BinaryLookup {
  found: ResolvedBinary | null;
  /** Every candidate tried, in order, with why it was skipped. */
  tried: { source: string; path: string | null; reason: string }[];
}

const require = createRequire(import.meta.url);

/** Inside a packaged Electron app, binaries live beside the asar, not in it. */
const unpacked = (p: string): string => p.replace(`app.asar${process.platform === 'win32' ? '\\' : '/'}`, `app.asar.unpacked${process.platform === 'win32' ? '\\' : '/'}`);

/** A regular file this process may execute (shared with the browser lookup in electron/host/chromium.ts). */
export function isExecutable(p: string): boolean {
  try {
    if (!existsSync(p) || !statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function fromPackage(pkg: string, pick: (mod: unknown) => unknown): string | null {
  try {
    const p = pick(require(pkg));
    return typeof p === 'string' ? unpacked(p) : null;
  } catch {
    return null;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  const exe = process.platform === 'win32' ? `${name}.exe` : name;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, exe);
    if (isExecutable(p)) return p;
  }
  return null;
}

/**
 * ffmpeg/ffprobe through the fallback chain: env override → ffmpeg-static → packages that ship the
 * binary inside (@ffmpeg-installer/ffmpeg, ffprobe-static) → the system PATH.
 */
export function lookupBinary(name: BinaryName, env: NodeJS.ProcessEnv = process.env): BinaryLookup {
  const envKey = name === 'ffmpeg' ? 'CIRCLETAKE_FFMPEG' : 'CIRCLETAKE_FFPROBE';
  const candidates: { source: ResolvedBinary['source']; path: () => string | null }[] = [
    { source: 'env', path: () => env[envKey] ?? null },
  ];
  if (name === 'ffmpeg') {
    candidates.push(
      { source: 'ffmpeg-static', path: () => fromPackage('ffmpeg-static', (m) => m) },
      { source: '@ffmpeg-installer/ffmpeg', path: () => fromPackage('@ffmpeg-installer/ffmpeg', (m) => (m as { path?: unknown }).path) },
    );
  } else {
    candidates.push({ source: 'ffprobe-static', path: () => fromPackage('ffprobe-static', (m) => (m as { path?: unknown }).path) });
  }
  candidates.push({ source: 'PATH', path: () => onPath(name, env) });

  const tried: BinaryLookup['tried'] = [];
  for (const c of candidates) {
    const p = c.path();
    if (p && isExecutable(p)) return { found: { name, path: p, source: c.source }, tried };
    tried.push({ source: c.source, path: p, reason: p ? 'not an executable file' : c.source === 'env' ? `${envKey} not set` : 'not installed' });
  }
  return { found: null, tried };
}

export function resolveBinary(name: BinaryName, env: NodeJS.ProcessEnv = process.env): ResolvedBinary | null {
  return lookupBinary(name, env).found;
}

export const FFMPEG_FIX =
  'Install ffmpeg (Debian: `apt-get install ffmpeg`; macOS: `brew install ffmpeg`) or set CIRCLETAKE_FFMPEG / CIRCLETAKE_FFPROBE to the binaries.';

/** ffmpeg's or ffprobe's status for `system.doctor`: where the chain found it, or what to install. */
export function mediaToolStatus(name: BinaryName, env: NodeJS.ProcessEnv = process.env): ToolStatus {
  const { found, tried } = lookupBinary(name, env);
  if (!found) return { name, ok: false, path: null, fix: `${FFMPEG_FIX} (tried: ${tried.map((t) => t.source).join(', ')})` };
  return { name, ok: true, path: found.path, source: found.source };
}
