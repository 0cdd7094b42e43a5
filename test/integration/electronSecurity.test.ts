import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { diffFuses, FUSES_V1, readFuses, SENTINEL, wantedFuses } from '../../scripts/fuses.mjs';
import { repoRoot } from '../../electron/host/paths';
import { appFileFor, appResponseHeaders, PRIVILEGED_SCHEMES } from '../../electron/main/appRequest';
import { APP_ORIGIN, contentSecurityPolicy, hardenSession, hardenWindow, isTrustedSender } from '../../electron/main/security';
import { tempDir } from '../support/tmp';
import { itWith, need } from '../support/needs';

// The Electron shell's security decisions, checked under Node (no Electron binary here; the smoke
// suite in test/electron checks the same in a real window where one exists). docs/security.md maps
// each checklist item to its proof.

const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));

describe('the CSP (checklist 7, E4)', () => {
  it('is strict: nothing inline, nothing eval, nothing remote; media only from the two media schemes', () => {
    const csp = contentSecurityPolicy();
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|wasm-unsafe-eval|\*|http:|https:/);
    const d = directives(csp);
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('style-src')).toEqual(["'self'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('form-action')).toEqual(["'none'"]);
    expect(d.get('media-src')).toEqual(expect.arrayContaining(["'self'", 'media-preview:', 'media-release:']));
    expect(d.get('img-src')).toEqual(expect.arrayContaining(["'self'", 'media-preview:', 'media-release:']));
  });

  it('is sent as a response header on every app:// file, and the dev server alone is added in dev', () => {
    expect(appResponseHeaders()).toMatchObject({ 'content-security-policy': contentSecurityPolicy(), 'x-content-type-options': 'nosniff' });
    const dev = directives(contentSecurityPolicy('http://localhost:5173/'));
    expect(dev.get('script-src')).toEqual(["'self'", 'http://localhost:5173', 'ws://localhost:5173']);
    // The built renderer carries no CSP meta tag that could drift from the header (and no inline script).
    const html = join(repoRoot, 'renderer', 'index.html');
    const text = readFileSync(html, 'utf8');
    expect(text).not.toMatch(/http-equiv=["']?content-security-policy/i);
    expect(text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>\s*\S/i);
  });
});

describe('the app:// scheme (checklist 18)', () => {
  const t = tempDir('ct-app-');
  afterAll(() => t.cleanup());
  const dir = join(t.dir, 'renderer');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html>');
  writeFileSync(join(t.dir, 'secret.txt'), 'no');

  it('serves files of the built renderer only', () => {
    expect(appFileFor(dir, `${APP_ORIGIN}/index.html`)).toBe(join(dir, 'index.html'));
    expect(appFileFor(dir, `${APP_ORIGIN}/assets/app.js`)).toBe(join(dir, 'assets', 'app.js'));
    expect(appFileFor(dir, `${APP_ORIGIN}/projects`)).toBe(join(dir, 'index.html'));
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2f%2e%2e%2fetc/passwd', '/assets/..%2f..%2fsecret.txt', '/a%00.js', '/%E0%A4%A']) {
      const f = appFileFor(dir, `${APP_ORIGIN}${p}`);
      expect(f === null || f.startsWith(`${dir}/`), `${p} → ${f}`).toBe(true);
    }
  });

  it('registers privileged schemes without bypassCSP, and media schemes that stream', () => {
    expect(PRIVILEGED_SCHEMES.map((s) => s.scheme)).toEqual(['app', 'media-preview', 'media-release']);
    for (const s of PRIVILEGED_SCHEMES) {
      expect(s.privileges).toMatchObject({ standard: true, secure: true });
      expect(s.privileges).not.toHaveProperty('bypassCSP');
      expect(s.privileges).not.toHaveProperty('corsEnabled');
    }
  });
});

describe('IPC senders, permissions, navigation and new windows (checklist 5, 13, 14, 17)', () => {
  it('trusts only the app’s own frame (and the dev server in dev)', () => {
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html` } as never)).toBe(true);
    for (const url of ['https://evil.example/', 'app://renderer.evil/', 'app://other/index.html', 'file:///etc/passwd', 'about:blank', 'http://localhost:5173/', '']) {
      expect(isTrustedSender({ url } as never), url).toBe(false);
    }
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender({ url: 'http://localhost:5173/x' } as never, 'http://localhost:5173/')).toBe(true);
  });

  it('denies every permission request and check, by default', () => {
    const handlers: { request?: (wc: unknown, p: string, cb: (ok: boolean) => void) => void; check?: (...a: unknown[]) => boolean } = {};
    hardenSession({
      setPermissionRequestHandler: (h: typeof handlers.request) => (handlers.request = h),
      setPermissionCheckHandler: (h: typeof handlers.check) => (handlers.check = h),
    } as never);
    for (const p of ['media', 'geolocation', 'notifications', 'midi', 'clipboard-read', 'openExternal', 'fullscreen', 'pointerLock', 'unknown']) {
      let answer: boolean | undefined;
      handlers.request!(null, p, (ok) => (answer = ok));
      expect(answer, p).toBe(false);
      expect(handlers.check!(null, p, 'app://renderer', {}), p).toBe(false);
    }
  });

  it('blocks navigation and redirects away from the app, new windows and webviews', () => {
    const on = new Map<string, (e: { preventDefault(): void }, url?: string) => void>();
    let openHandler: (() => { action: string }) | undefined;
    hardenWindow({ webContents: { on: (ev: string, h: never) => on.set(ev, h), setWindowOpenHandler: (h: never) => (openHandler = h) } } as never);
    const prevented = (ev: string, url?: string) => {
      let p = false;
      on.get(ev)!({ preventDefault: () => (p = true) }, url);
      return p;
    };
    expect(prevented('will-navigate', 'https://example.com/')).toBe(true);
    expect(prevented('will-navigate', 'app://renderer.evil/')).toBe(true);
    expect(prevented('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(prevented('will-navigate', `${APP_ORIGIN}/index.html`)).toBe(false);
    expect(prevented('will-redirect', 'https://example.com/')).toBe(true);
    expect(prevented('will-attach-webview')).toBe(true);
    expect(openHandler!()).toEqual({ action: 'deny' });
  });
});

describe('fuses at packaging (checklist 19, E5)', () => {
  it('electron-builder.yml turns off RunAsNode, NODE_OPTIONS, inspect and file:// privileges, and turns on asar integrity and asar-only loading', () => {
    expect(wantedFuses()).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
    const cfg = parse(readFileSync(join(repoRoot, 'electron-builder.yml'), 'utf8')) as { asar: unknown; files: string[] };
    expect(cfg.asar).toBe(true); // asar integrity needs the archive (and no disableIntegrity)
    expect(cfg.files).toEqual(expect.arrayContaining(['out/**', '!**/*.map']));
    expect(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).main).toBe('out/main/index.js');
  });

  const t = tempDir('ct-fuses-');
  afterAll(() => t.cleanup());
  const fakeBinary = (wire: string) => {
    const f = join(t.dir, `electron-${wire}`);
    writeFileSync(f, Buffer.concat([Buffer.alloc(5000, 7), SENTINEL, Buffer.from([1, wire.length]), Buffer.from(wire, 'latin1'), Buffer.alloc(100, 9)]));
    return f;
  };

  it('the checker reads a fuse wire and names every fuse that differs from the config', () => {
    const good = readFuses(fakeBinary('010011000'));
    expect(good.version).toBe(1);
    expect(good.fuses).toMatchObject({ runAsNode: 'off', enableCookieEncryption: 'on', onlyLoadAppFromAsar: 'on', grantFileProtocolExtraPrivileges: 'off' });
    expect(diffFuses(wantedFuses(), good)).toEqual([]);
    // A stock Electron binary: every fuse at its default (RunAsNode on, asar checks off).
    const stock = readFuses(fakeBinary('101100011'));
    expect(diffFuses(wantedFuses(), stock)).toEqual([
      'runAsNode: wanted off, binary has on',
      'enableCookieEncryption: wanted on, binary has off',
      'enableNodeOptionsEnvironmentVariable: wanted off, binary has on',
      'enableNodeCliInspectArguments: wanted off, binary has on',
      'enableEmbeddedAsarIntegrityValidation: wanted on, binary has off',
      'onlyLoadAppFromAsar: wanted on, binary has off',
      'grantFileProtocolExtraPrivileges: wanted off, binary has on',
    ]);
    expect(FUSES_V1[0]).toBe('runAsNode');
    expect(() => readFuses(join(repoRoot, 'package.json'))).toThrow(/No fuse wire/);
  });

  const electronBin = join(repoRoot, 'node_modules', 'electron', 'dist', 'electron');
  itWith(need("Electron's binary", existsSync(electronBin), { mayLackInCI: 'its download host is unreachable on some machines' }), 'reads the installed (unpackaged) Electron binary: RunAsNode still on, as packaging must change', () => {
    expect(readFuses(electronBin).fuses.runAsNode).toBe('on');
  });
});
