// Runs a CommonJS bundle with V8's code cache kept beside it (<bundle>.v8cache), so a process started many
// times compiles the bundle's functions once instead of at every start (Node 20 offers no code cache for ES
// modules). The cache is written after the first run that has none, or whose cache V8 refused (another Node,
// other flags, a rebuilt bundle), once the command's code has run, so it holds the functions it compiled.
// Processes starting together each write their own file and rename it into place: a reader sees a whole cache or none.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import vm from 'node:vm';

/** Evaluates the bundle and returns its exports (a CommonJS module's). */
export function loadWithCodeCache(path) {
  const file = resolve(path);
  const cacheFile = `${file}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const source = readFileSync(file, 'utf8');
  // The bundle must not use import(): functions read back from a code cache lose the script's import() callback.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  const exports = module.exports;
  if (!cachedData || script.cachedDataRejected) {
    // Written when the process is about to exit: by then the command's functions are compiled and in the cache.
    process.once('beforeExit', () => {
      try {
        const tmp = `${cacheFile}.${process.pid}`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        // A cache that cannot be written only costs the next start its compile time.
      }
    });
  }
  return exports;
}
