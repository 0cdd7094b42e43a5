// Which Chromium the UI tests, the board bench and `circletake doctor` use — one lookup for all three.
// Order: CIRCLETAKE_CHROMIUM, Playwright's own installed browser, the system's chromium / chromium-browser /
// google-chrome on the PATH. `ensureChromium` installs one when none is found: `playwright install chromium`
// first, then (root on Debian or Ubuntu) `apt-get install -y chromium`; otherwise it names the command to run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join, sep } from 'node:path';
import { isExecutable } from '../core/media/ffmpeg/binaries';

export type ChromiumSource = 'CIRCLETAKE_CHROMIUM' | 'playwright' | 'system';
export interface ChromiumFound {
  path: string;
  source: ChromiumSource;
  version: string;
}

/** What the lookup reads from the machine; tests pass a fake PATH, a fake Playwright cache and a fake env. */
export interface ChromiumLookup {
  env: NodeJS.ProcessEnv;
  /** Where Playwright's installed Chromium would be, or null when Playwright is not installed. */
  playwrightPath: () => string | null;
  /** The browser's `--version` line, or null when it is not a browser that runs. */
  probe: (path: string) => string | null;
}

/** A lookup that cannot go on: a bad CIRCLETAKE_CHROMIUM, or no browser and no way to install one. One line, no stack. */
export class ChromiumError extends Error {
  override name = 'ChromiumError';
}

export const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome'] as const;
export const INSTALL_HINT =
  'install one with `npx playwright install chromium`, or on Debian/Ubuntu `sudo apt-get install -y chromium`, or set CIRCLETAKE_CHROMIUM=/path/to/chromium';

export function probeVersion(path: string): string | null {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) return null;
  const line = (r.stdout ?? '').split('\n')[0]?.trim() ?? '';
  return /chrom(e|ium)/i.test(line) ? line : null;
}

/** Playwright's Chromium under `PLAYWRIGHT_BROWSERS_PATH` (or its default cache) — whether or not it is downloaded. */
export function playwrightChromiumPath(env: NodeJS.ProcessEnv = process.env): string | null {
  let p: string;
  try {
    const req = createRequire(import.meta.url);
    const core = req('playwright-core') as { chromium: { executablePath(): string } };
    p = core.chromium.executablePath();
  } catch {
    return null;
  }
  const browsers = env.PLAYWRIGHT_BROWSERS_PATH;
  if (!browsers || browsers === '0') return p;
  // Rebase onto the caller's cache: the part from `chromium-NNNN/` on is Playwright's own layout.
  const parts = p.split(sep);
  const at = parts.findIndex((s) => /^chromium-\d+$/.test(s));
  return at < 0 ? p : join(browsers, ...parts.slice(at));
}

export function defaultLookup(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  return { env, playwrightPath: () => playwrightChromiumPath(env), probe: probeVersion };
}

/** The first usable Chromium, or null. A CIRCLETAKE_CHROMIUM that is missing or not a browser throws. */
export function findChromium(lookup: ChromiumLookup = defaultLookup()): ChromiumFound | null {
  const { env, probe } = lookup;
  const forced = env.CIRCLETAKE_CHROMIUM?.trim();
  if (forced) {
    if (!existsSync(forced)) throw new ChromiumError(`CIRCLETAKE_CHROMIUM points at ${forced}, which does not exist; fix the path or unset it.`);
    if (!isExecutable(forced)) throw new ChromiumError(`CIRCLETAKE_CHROMIUM points at ${forced}, which is not an executable file; fix the path or unset it.`);
    const version = probe(forced);
    if (!version) throw new ChromiumError(`CIRCLETAKE_CHROMIUM points at ${forced}, which is not a Chromium browser (\`--version\` did not name Chrome or Chromium); fix the path or unset it.`);
    return { path: forced, source: 'CIRCLETAKE_CHROMIUM', version };
  }
  const pw = lookup.playwrightPath();
  if (pw && isExecutable(pw)) {
    const version = probe(pw);
    if (version) return { path: pw, source: 'playwright', version };
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of SYSTEM_NAMES) {
    for (const dir of dirs) {
      const p = join(dir, name);
      if (!isExecutable(p)) continue;
      const version = probe(p);
      if (version) return { path: p, source: 'system', version };
    }
  }
  return null;
}

export interface InstallSteps {
  /** Runs a command with inherited output; returns its exit status (null when it could not start or timed out). */
  run: (cmd: string, args: string[], env?: NodeJS.ProcessEnv) => number | null;
  isRoot: boolean;
  /** /etc/os-release as text, or '' */
  osRelease: string;
  log: (line: string) => void;
  /** The Playwright CLI (`node <cli> install chromium`), or null when Playwright is not installed. */
  playwrightCli: string | null;
}

export function isDebianLike(osRelease: string): boolean {
  const id = /^ID=("?)([^"\n]*)\1$/m.exec(osRelease)?.[2] ?? '';
  const like = /^ID_LIKE=("?)([^"\n]*)\1$/m.exec(osRelease)?.[2] ?? '';
  return [id, ...like.split(/\s+/)].some((w) => w === 'debian' || w === 'ubuntu');
}

export function defaultInstallSteps(log: (line: string) => void = (l) => console.log(l)): InstallSteps {
  let cli: string | null = null;
  try {
    cli = createRequire(import.meta.url).resolve('@playwright/test/cli');
  } catch {
    cli = null;
  }
  let osRelease = '';
  try {
    osRelease = readFileSync('/etc/os-release', 'utf8');
  } catch {
    osRelease = '';
  }
  return {
    run: (cmd, args, env) => spawnSync(cmd, args, { stdio: 'inherit', timeout: 15 * 60_000, env: env ?? process.env }).status,
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    osRelease,
    log,
    playwrightCli: cli,
  };
}

/** Finds a Chromium or installs one; throws ChromiumError with the command to run when it cannot. */
export function ensureChromium(lookup: ChromiumLookup, steps: InstallSteps): ChromiumFound {
  const first = findChromium(lookup);
  if (first) return first;
  steps.log('No Chromium found (CIRCLETAKE_CHROMIUM, Playwright\'s browser, chromium/chromium-browser/google-chrome on the PATH); installing one.');
  if (steps.playwrightCli) {
    steps.log('Trying: npx playwright install chromium');
    const status = steps.run(process.execPath, [steps.playwrightCli, 'install', 'chromium'], lookup.env);
    const found = status === 0 ? findChromium(lookup) : null;
    if (found) return found;
    steps.log('Playwright could not download its Chromium here.');
  }
  if (steps.isRoot && isDebianLike(steps.osRelease)) {
    steps.log('Trying: apt-get update && apt-get install -y chromium');
    const aptEnv = { ...lookup.env, DEBIAN_FRONTEND: 'noninteractive' };
    const ok = steps.run('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'update', '-qq'], aptEnv) === 0 &&
      steps.run('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '-qq', 'chromium'], aptEnv) === 0;
    const found = ok ? findChromium({ ...lookup, env: { ...lookup.env, PATH: withSystemDirs(lookup.env.PATH) } }) : null;
    if (found) return found;
    throw new ChromiumError(`apt-get could not install chromium; ${INSTALL_HINT}.`);
  }
  throw new ChromiumError(`No Chromium for the UI tests and none could be installed: ${INSTALL_HINT}.`);
}

function withSystemDirs(path: string | undefined): string {
  const dirs = (path ?? '').split(delimiter).filter(Boolean);
  for (const d of ['/usr/bin', '/usr/local/bin']) if (!dirs.includes(d)) dirs.push(d);
  return dirs.join(delimiter);
}

/** The launch flags this machine's Chromium needs (root, no GPU, no network besides loopback). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
] as const;

/** For the e2e config and the bench: the browser to launch, or a one-line error. */
export function chromiumForTests(env: NodeJS.ProcessEnv = process.env): string {
  const found = findChromium(defaultLookup(env));
  if (!found) throw new ChromiumError(`No Chromium for the UI tests: ${INSTALL_HINT} (\`npm test\` installs one by itself).`);
  return found.path;
}
