import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export interface StaticFile {
  body: Buffer;
  type: string;
}

/**
 * Serves the built renderer. Paths are resolved inside `root` and anything that escapes it is refused;
 * unknown paths without an extension fall back to index.html (client-side routing).
 */
export class StaticFiles {
  private readonly root: string;
  private readonly cache = new Map<string, StaticFile>();

  constructor(root: string) {
    this.root = resolve(root);
  }

  get isBuilt(): boolean {
    return existsSync(resolve(this.root, 'index.html'));
  }

  get(urlPath: string): StaticFile | null {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
    } catch {
      return null;
    }
    if (decoded.includes('\0') || decoded.includes('\\')) return null;
    const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
    const full = resolve(this.root, rel);
    if (full !== this.root && !full.startsWith(this.root + sep)) return null;
    const hit = this.cache.get(full);
    if (hit) return hit;
    if (existsSync(full) && statSync(full).isFile()) {
      const f = { body: readFileSync(full), type: MIME[extname(full)] ?? 'application/octet-stream' };
      this.cache.set(full, f);
      return f;
    }
    if (extname(rel) === '') return this.get('/');
    return null;
  }
}
