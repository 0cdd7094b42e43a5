// Electron fuses (docs/reliability.md E5): the wanted wire is electronFuses in electron-builder.yml; this
// reads the wire baked into a packaged binary (the format @electron/fuses writes: a sentinel, a
// version byte, a length byte, then one byte per fuse: '0' off, '1' on, 'r' removed) and compares.
//
//   node scripts/fuses.mjs check <path to the packaged Electron binary or .app>
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const SENTINEL = Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX');
/** Wire order of fuse version 1, by electron-builder's option names. */
export const FUSES_V1 = [
  'runAsNode',
  'enableCookieEncryption',
  'enableNodeOptionsEnvironmentVariable',
  'enableNodeCliInspectArguments',
  'enableEmbeddedAsarIntegrityValidation',
  'onlyLoadAppFromAsar',
  'loadBrowserProcessSpecificV8Snapshot',
  'grantFileProtocolExtraPrivileges',
  'wasmTrapHandlers',
];
const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

export function wantedFuses(file = join(repoRoot, 'electron-builder.yml')) {
  return parse(readFileSync(file, 'utf8')).electronFuses ?? {};
}

/** Reads the fuse wire of a binary: { version, fuses: { name: 'on'|'off'|'removed'|'inherit' } }. */
export function readFuses(binary) {
  const file = binary.endsWith('.app') ? join(binary, 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework') : binary;
  const fd = openSync(file, 'r');
  try {
    const size = statSync(file).size;
    const chunk = Buffer.alloc(8 * 1024 * 1024 + SENTINEL.length);
    for (let pos = 0; pos < size; pos += 8 * 1024 * 1024) {
      const n = readSync(fd, chunk, 0, chunk.length, pos);
      const at = chunk.subarray(0, n).indexOf(SENTINEL);
      if (at === -1) continue;
      const head = Buffer.alloc(2 + 255);
      readSync(fd, head, 0, head.length, pos + at + SENTINEL.length);
      const [version, length] = head;
      const fuses = {};
      for (let i = 0; i < length; i++) {
        const b = head[2 + i];
        fuses[FUSES_V1[i] ?? `fuse${i}`] = b === 0x31 ? 'on' : b === 0x30 ? 'off' : b === 0x72 ? 'removed' : 'inherit';
      }
      return { version, fuses };
    }
    throw new Error(`No fuse wire in ${file}: not an Electron binary (fuses exist from Electron 12).`);
  } finally {
    closeSync(fd);
  }
}

/** Differences between the wanted fuses and a binary's wire, as lines. */
export function diffFuses(wanted, actual) {
  const out = [];
  for (const [name, on] of Object.entries(wanted)) {
    const have = actual.fuses[name];
    if (have === undefined) out.push(`${name}: not in this Electron's fuse wire`);
    else if (have !== (on ? 'on' : 'off')) out.push(`${name}: wanted ${on ? 'on' : 'off'}, binary has ${have}`);
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [cmd, binary] = process.argv.slice(2);
  if (cmd !== 'check' || !binary) {
    console.error('usage: node scripts/fuses.mjs check <packaged Electron binary or .app>');
    process.exit(2);
  }
  const diff = diffFuses(wantedFuses(), readFuses(binary));
  for (const d of diff) console.error(`FAIL ${d}`);
  console.log(diff.length === 0 ? 'fuses match electron-builder.yml' : `${diff.length} fuse(s) differ from electron-builder.yml`);
  process.exit(diff.length === 0 ? 0 : 1);
}
