import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDataDir } from '../../core/dataDir';
import { FFMPEG_FIX, lookupBinary, type BinaryName } from '../../core/media/ffmpeg/binaries';
import { findChromium, INSTALL_HINT } from '../chromium';
import type { Command } from '../cliSupport';
import { dataDirOption, openCore, parseFlags } from '../cliSupport';
import { repoRoot } from '../paths';

interface Item {
  name: string;
  ok: boolean;
  path: string | null;
  source?: string;
  version?: string;
  fix?: string;
}

function firstLine(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? (r.stdout.split('\n')[0] ?? '').trim() : undefined;
}

function media(name: BinaryName): Item {
  const { found, tried } = lookupBinary(name);
  if (!found) return { name, ok: false, path: null, fix: `${FFMPEG_FIX} (tried: ${tried.map((t) => t.source).join(', ')})` };
  return { name, ok: true, path: found.path, source: found.source, version: firstLine(found.path, ['-hide_banner', '-version']) };
}

function chromium(): Item {
  try {
    const found = findChromium();
    if (found) return { name: 'chromium', ok: true, path: found.path, source: found.source, version: found.version };
    return { name: 'chromium', ok: false, path: null, fix: `${INSTALL_HINT} (used for the UI tests; \`npm test\` installs one itself)` };
  } catch (e) {
    return { name: 'chromium', ok: false, path: null, fix: (e as Error).message };
  }
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

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'show the ffmpeg, ffprobe, Chromium and Electron in use, the data dir and the database version',
  usage: 'circletake doctor [--data-dir D] [--json]',
  async run(argv, io) {
    const { values } = parseFlags(argv, { ...dataDirOption, json: { type: 'boolean' } });
    const items: Item[] = [media('ffmpeg'), media('ffprobe')];
    items.push(chromium());
    const electron = electronBinary();
    items.push({ name: 'electron', ok: electron.path !== null, path: electron.path, ...(electron.fix ? { fix: electron.fix } : {}) });

    const dataDir = resolveDataDir(values['data-dir']);
    let database: { file: string; version: number } | { error: string };
    try {
      const core = openCore(values['data-dir']);
      database = { file: core.db.file, version: core.db.version };
      await core.dispose();
    } catch (e) {
      database = { error: (e as Error).message };
    }

    if (values.json) {
      io.out(JSON.stringify({ binaries: items, dataDir, database }, null, 2));
    } else {
      for (const i of items) {
        io.out(
          i.ok
            ? `ok       ${i.name.padEnd(9)} ${i.path}${i.source ? ` (${i.source})` : ''}${i.version ? `  ${i.version}` : ''}`
            : `missing  ${i.name.padEnd(9)} fix: ${i.fix}`,
        );
      }
      io.out(`data dir ${dataDir}`);
      io.out('error' in database ? `database error: ${database.error}` : `database ${database.file} (version ${database.version})`);
    }
    const essentialMissing = items.some((i) => !i.ok && (i.name === 'ffmpeg' || i.name === 'ffprobe')) || 'error' in database;
    return essentialMissing ? 1 : 0;
  },
};
