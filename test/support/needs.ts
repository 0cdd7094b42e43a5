// The only way a suite may depend on something outside the repository (ffmpeg, a Linux box, a LAN
// interface, Electron's binary). Under CI=true a missing tool fails the run with the tool named — a skip
// proves nothing — unless the need is one a CI machine may lack for good (Electron's binary, a LAN
// interface), which skips with its reason. Outside CI every skip prints one line and is counted in
// `npm test`'s summary (through CIRCLETAKE_SKIP_LOG).
import { appendFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it, type TestFunction } from 'vitest';
import { lookupBinary } from '../../electron/core/media/ffmpeg/binaries';

export interface Need {
  /** What is needed, as a person would name it: 'ffmpeg and ffprobe', 'Linux'. */
  what: string;
  isMet: boolean;
  /** How to get it, when it can be had. */
  fix?: string;
  /** A CI machine may lack it for good (say why); otherwise a CI run without it fails. */
  mayLackInCI?: string;
}

const isCI = (): boolean => !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';

export const ffmpegNeed: Need = {
  what: 'ffmpeg and ffprobe',
  isMet: !!lookupBinary('ffmpeg').found && !!lookupBinary('ffprobe').found,
  fix: 'install ffmpeg (apt-get install -y ffmpeg) or set CIRCLETAKE_FFMPEG / CIRCLETAKE_FFPROBE',
};

export const linuxNeed: Need = { what: 'Linux (ulimit, tmpfs, unprivileged users)', isMet: process.platform === 'linux' };

export function need(what: string, isMet: boolean, extra: { fix?: string; mayLackInCI?: string } = {}): Need {
  return { what, isMet, ...extra };
}

function caller(): string {
  for (const line of new Error().stack?.split('\n').slice(1) ?? []) {
    const m = /((?:file:\/\/)?\/[^():\s]+\.[cm]?tsx?):\d+/.exec(line);
    const file = m?.[1]?.replace(/^file:\/\//, '');
    if (file && !file.endsWith('/needs.ts') && !file.includes('/node_modules/')) return relative(process.cwd(), file);
  }
  return 'a test file';
}

function record(file: string, suite: string, why: string): void {
  const line = `${file} › ${suite}: ${why}`;
  console.log(`SKIPPED ${line}`);
  const dir = process.env.CIRCLETAKE_SKIP_LOG;
  if (dir && existsSync(dir)) appendFileSync(join(dir, `${process.pid}.txt`), `${line}\n`);
}

function unmet(needs: Need[]): Need[] {
  return needs.filter((n) => !n.isMet);
}

function why(missing: Need[]): string {
  return missing.map((n) => `needs ${n.what}${n.fix ? ` (${n.fix})` : ''}${n.mayLackInCI ? ` — ${n.mayLackInCI}` : ''}`).join('; ');
}

type Needs = Need | Need[];
const list = (n: Needs): Need[] => (Array.isArray(n) ? n : [n]);

/** `describe` that runs when every need is met; see the file comment for what happens when one is not. */
export function describeWith(needs: Needs, name: string, fn: () => void): void {
  const missing = unmet(list(needs));
  if (missing.length === 0) return void describe(name, fn);
  const file = caller();
  if (isCI() && missing.some((n) => !n.mayLackInCI)) {
    describe(name, () => {
      it(`has ${missing.map((n) => n.what).join(' and ')}`, () => {
        throw new Error(`${missing.map((n) => n.what).join(' and ')} not found, and under CI=true a suite may not skip: ${why(missing)}`);
      });
    });
    return;
  }
  record(file, name, why(missing));
  describe.skip(name, fn);
}

/** `it` that runs when every need is met (same rules as describeWith). */
export function itWith(needs: Needs, name: string, fn: TestFunction): void {
  const missing = unmet(list(needs));
  if (missing.length === 0) return void it(name, fn);
  if (isCI() && missing.some((n) => !n.mayLackInCI)) {
    it(name, () => {
      throw new Error(`${missing.map((n) => n.what).join(' and ')} not found, and under CI=true a test may not skip: ${why(missing)}`);
    });
    return;
  }
  record(caller(), name, why(missing));
  it.skip(name, fn);
}
