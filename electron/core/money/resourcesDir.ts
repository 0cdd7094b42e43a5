import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding the built-in plans/ and rates/: CoreConfig.resourcesDir when given (a packaged app
 * passes its own), else the nearest `resources` folder above this module (source tree or out/main).
 */
export function findResourcesDir(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'resources');
    if (existsSync(join(candidate, 'plans'))) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return join(start, 'resources');
}
