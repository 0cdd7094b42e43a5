import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (or installed package) root: two levels above electron/host. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const rendererDir = join(repoRoot, 'out', 'renderer');

export function appVersion(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export function isRendererBuilt(): boolean {
  return existsSync(join(rendererDir, 'index.html'));
}
