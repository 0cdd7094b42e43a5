import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ToolStatus } from '../../shared/contract/system';
import { mediaToolStatus, type BinaryName } from '../core/media/ffmpeg/binaries';
import { findChromium, INSTALL_HINT } from './chromium';
import { repoRoot } from './paths';

/**
 * The tools the CLI and the host report through `system.doctor` (core's `tools` port): ffmpeg and
 * ffprobe with their versions, the Chromium the UI tests use, and Electron's binary.
 */
export function hostTools(): ToolStatus[] {
  return [media('ffmpeg'), media('ffprobe'), chromium(), electron()];
}

function firstLine(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? (r.stdout.split('\n')[0] ?? '').trim() : undefined;
}

function media(name: BinaryName): ToolStatus {
  const s = mediaToolStatus(name);
  const version = s.path ? firstLine(s.path, ['-hide_banner', '-version']) : undefined;
  return version ? { ...s, version } : s;
}

function chromium(): ToolStatus {
  try {
    const found = findChromium();
    if (found) return { name: 'chromium', ok: true, path: found.path, source: found.source, version: found.version };
    return { name: 'chromium', ok: false, path: null, fix: `${INSTALL_HINT} (used for the UI tests; \`npm test\` installs one itself)` };
  } catch (e) {
    return { name: 'chromium', ok: false, path: null, fix: (e as Error).message };
  }
}

function electron(): ToolStatus {
  const { path, fix } = electronBinary();
  return { name: 'electron', ok: path !== null, path, ...(fix ? { fix } : {}) };
}

export function electronBinary(): { path: string | null; fix?: string } {
  const dir = join(repoRoot, 'node_modules', 'electron');
  if (!existsSync(dir)) return { path: null, fix: 'npm install (electron is a dev dependency)' };
  const pathFile = join(dir, 'path.txt');
  if (existsSync(pathFile)) {
    const p = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
    if (existsSync(p)) return { path: p };
  }
  return {
    path: null,
    fix: 'the Electron binary is not downloaded: run `npx install-electron` where github.com is reachable, or set ELECTRON_OVERRIDE_DIST_PATH; until then `npm start` uses the browser host',
  };
}
