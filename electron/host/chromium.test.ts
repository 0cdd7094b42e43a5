// The browser lookup that `npm test`, the board bench and `circletake doctor` share: each branch (env,
// Playwright's, system, install, give up) chosen as specified, on a fake PATH and a fake Playwright cache
// made of small shell scripts (real files, really executed for their `--version`).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/tmp';
import { ChromiumError, ensureChromium, findChromium, isDebianLike, playwrightChromiumPath, probeVersion, type ChromiumLookup, type InstallSteps } from './chromium';

let tmp: { dir: string; cleanup(): void } | undefined;
afterEach(() => tmp?.cleanup());

function script(path: string, printed: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\necho "${printed}"\n`);
  chmodSync(path, 0o755);
  return path;
}

function setup(): { dir: string; pathDir: string; pwCache: string; lookup: (env?: NodeJS.ProcessEnv) => ChromiumLookup } {
  tmp = tempDir('ct-chromium-');
  const dir = tmp.dir;
  const pathDir = join(dir, 'bin');
  const pwCache = join(dir, 'ms-playwright');
  mkdirSync(pathDir, { recursive: true });
  const lookup = (env: NodeJS.ProcessEnv = {}): ChromiumLookup => {
    const full = { PATH: pathDir, PLAYWRIGHT_BROWSERS_PATH: pwCache, ...env };
    return { env: full, playwrightPath: () => playwrightChromiumPath(full), probe: probeVersion };
  };
  return { dir, pathDir, pwCache, lookup };
}

function steps(over: Partial<InstallSteps> & { onRun?: (cmd: string, args: string[]) => number }): InstallSteps & { ran: string[]; logged: string[] } {
  const ran: string[] = [];
  const logged: string[] = [];
  return {
    run: (cmd, args) => {
      ran.push([cmd.endsWith('node') || cmd === process.execPath ? 'node' : cmd, ...args.map((a) => (a.endsWith('cli.js') ? 'playwright-cli' : a))].join(' '));
      return over.onRun?.(cmd, args) ?? 1;
    },
    isRoot: over.isRoot ?? false,
    osRelease: over.osRelease ?? 'ID=debian\n',
    log: (l) => logged.push(l),
    playwrightCli: over.playwrightCli === undefined ? '/x/playwright/cli.js' : over.playwrightCli,
    ran,
    logged,
  };
}

describe('findChromium', () => {
  it('CIRCLETAKE_CHROMIUM wins over Playwright and the system', () => {
    const s = setup();
    script(join(s.pathDir, 'chromium'), 'Chromium 150.0 system');
    script(playwrightChromiumPath({ PLAYWRIGHT_BROWSERS_PATH: s.pwCache })!, 'Chromium 151.0 playwright');
    const forced = script(join(s.dir, 'my-chrome'), 'Google Chrome 152.0');
    expect(findChromium(s.lookup({ CIRCLETAKE_CHROMIUM: forced }))).toEqual({ path: forced, source: 'CIRCLETAKE_CHROMIUM', version: 'Google Chrome 152.0' });
  });

  it("Playwright's installed browser comes before the system's", () => {
    const s = setup();
    script(join(s.pathDir, 'chromium'), 'Chromium 150.0 system');
    const pw = script(playwrightChromiumPath({ PLAYWRIGHT_BROWSERS_PATH: s.pwCache })!, 'Chromium 151.0 playwright');
    expect(pw.startsWith(s.pwCache)).toBe(true);
    expect(findChromium(s.lookup())).toMatchObject({ path: pw, source: 'playwright' });
  });

  it('the system browser in order chromium, chromium-browser, google-chrome; a non-browser on the PATH is passed over', () => {
    const s = setup();
    script(join(s.pathDir, 'chromium'), 'not a browser at all');
    const chrome = script(join(s.pathDir, 'google-chrome'), 'Google Chrome 140.1');
    expect(findChromium(s.lookup())).toMatchObject({ path: chrome, source: 'system', version: 'Google Chrome 140.1' });
    const cb = script(join(s.pathDir, 'chromium-browser'), 'Chromium 141.0');
    expect(findChromium(s.lookup())).toMatchObject({ path: cb, source: 'system' });
  });

  it('nothing anywhere → null', () => {
    expect(findChromium(setup().lookup())).toBeNull();
  });

  it('a CIRCLETAKE_CHROMIUM that is missing, or not a browser, is named — never silently ignored', () => {
    const s = setup();
    script(join(s.pathDir, 'chromium'), 'Chromium 150.0');
    const missing = join(s.dir, 'nope', 'chrome');
    expect(() => findChromium(s.lookup({ CIRCLETAKE_CHROMIUM: missing }))).toThrow(new ChromiumError(`CIRCLETAKE_CHROMIUM points at ${missing}, which does not exist; fix the path or unset it.`));
    const ls = script(join(s.dir, 'ls-like'), 'file1 file2');
    expect(() => findChromium(s.lookup({ CIRCLETAKE_CHROMIUM: ls }))).toThrow(/CIRCLETAKE_CHROMIUM points at .*ls-like, which is not a Chromium browser/);
    expect(() => findChromium(s.lookup({ CIRCLETAKE_CHROMIUM: s.dir }))).toThrow(/which is not an executable file/);
  });
});

describe('ensureChromium', () => {
  it('found at once → nothing is installed', () => {
    const s = setup();
    script(join(s.pathDir, 'chromium'), 'Chromium 150.0');
    const st = steps({});
    expect(ensureChromium(s.lookup(), st).source).toBe('system');
    expect(st.ran).toEqual([]);
  });

  it('none found → `playwright install chromium` first, and its browser is used', () => {
    const s = setup();
    const st = steps({
      onRun: (_cmd, args) => {
        if (args.includes('install')) script(playwrightChromiumPath({ PLAYWRIGHT_BROWSERS_PATH: s.pwCache })!, 'Chromium 151.0 playwright');
        return 0;
      },
    });
    expect(ensureChromium(s.lookup(), st)).toMatchObject({ source: 'playwright' });
    expect(st.ran).toEqual(['node playwright-cli install chromium']);
  });

  it('Playwright cannot download, root on Debian → apt-get update && apt-get install -y chromium', () => {
    const s = setup();
    const st = steps({
      isRoot: true,
      onRun: (cmd, args) => {
        if (cmd === 'apt-get' && args.includes('install')) script(join(s.pathDir, 'chromium'), 'Chromium 156.0 debian');
        return cmd === 'apt-get' ? 0 : 1;
      },
    });
    expect(ensureChromium(s.lookup(), st)).toMatchObject({ source: 'system', version: 'Chromium 156.0 debian' });
    expect(st.ran).toEqual([
      'node playwright-cli install chromium',
      'apt-get -o DPkg::Lock::Timeout=300 update -qq',
      'apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium',
    ]);
  });

  it('not root (or not Debian/Ubuntu) and Playwright cannot download → gives up with one line naming the command', () => {
    const s = setup();
    const notRoot = steps({ isRoot: false });
    expect(() => ensureChromium(s.lookup(), notRoot)).toThrow(/^No Chromium for the UI tests and none could be installed: install one with `npx playwright install chromium`, or on Debian\/Ubuntu `sudo apt-get install -y chromium`/);
    expect(notRoot.ran).toEqual(['node playwright-cli install chromium']);
    const fedora = steps({ isRoot: true, osRelease: 'ID=fedora\nID_LIKE="rhel centos"\n' });
    expect(() => ensureChromium(s.lookup(), fedora)).toThrow(ChromiumError);
    expect(fedora.ran.some((r) => r.startsWith('apt-get'))).toBe(false);
  });

  it('apt-get fails → gives up naming what to do', () => {
    const s = setup();
    const st = steps({ isRoot: true, onRun: () => 100 });
    expect(() => ensureChromium(s.lookup(), st)).toThrow(/^apt-get could not install chromium; install one with/);
  });

  it('reads Debian and Ubuntu (and their derivatives) from os-release', () => {
    expect(isDebianLike('ID=debian\n')).toBe(true);
    expect(isDebianLike('ID=ubuntu\nID_LIKE=debian\n')).toBe(true);
    expect(isDebianLike('ID=linuxmint\nID_LIKE="ubuntu debian"\n')).toBe(true);
    expect(isDebianLike('ID="fedora"\n')).toBe(false);
    expect(isDebianLike('')).toBe(false);
  });
});
