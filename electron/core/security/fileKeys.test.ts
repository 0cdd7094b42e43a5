import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/tmp';
import { FileKeys } from './fileKeys';

const t = tempDir('ct-filekeys-');
afterAll(() => t.cleanup());

const WORKERS = 8;
const TRIALS = 50;

/** Long-lived workers (one tsx start each), answering one key request per line. */
function startWorker(): Promise<{ ask(dir: string, at: number): Promise<string>; stop(): void }> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', 'test/support/keyRaceWorker.ts'], { stdio: 'pipe' });
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.(line));
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  return next().then((ready) => {
    if (ready !== 'ready') throw new Error(`worker said ${ready}`);
    return {
      ask(dir, at) {
        const answer = next();
        child.stdin.write(`${dir} ${at}\n`);
        return answer;
      },
      stop: () => child.kill(),
    };
  });
}

describe('FileKeys', () => {
  it(`${WORKERS} processes racing on a fresh data dir agree on one prompt key (${TRIALS} trials)`, async () => {
    const workers = await Promise.all(Array.from({ length: WORKERS }, startWorker));
    try {
      for (let trial = 0; trial < TRIALS; trial++) {
        const dir = join(t.dir, `fresh-${trial}`);
        const at = Date.now() + 40;
        const keys = await Promise.all(workers.map((w) => w.ask(dir, at)));
        expect(keys.filter((k) => k.startsWith('error')), `trial ${trial}`).toEqual([]);
        expect(new Set(keys).size, `trial ${trial}: ${keys.join(' ')}`).toBe(1);
        expect(readFileSync(join(dir, 'keys', 'prompt.key'), 'utf8')).toBe(keys[0]);
        expect(readdirSync(join(dir, 'keys'))).toEqual(['prompt.key']); // no temp file left behind
        if (process.platform !== 'win32') expect(statSync(join(dir, 'keys', 'prompt.key')).mode & 0o777).toBe(0o600);
      }
    } finally {
      for (const w of workers) w.stop();
    }
  }, 120_000);

  it('keeps using the key it made, and refuses a damaged or world-readable key file naming it', () => {
    const dir = join(t.dir, 'single');
    const k = new FileKeys(dir).key('prompt');
    expect(k).toHaveLength(32);
    expect(new FileKeys(dir).key('prompt').equals(k)).toBe(true);
    const file = join(dir, 'keys', 'prompt.key');
    chmodSync(file, 0o644);
    if (process.platform !== 'win32') expect(() => new FileKeys(dir).key('prompt')).toThrow(/readable by other users/);
    chmodSync(file, 0o600);
    writeFileSync(file, 'not a key at all, and longer than sixty-four characters of anything ..........');
    expect(() => new FileKeys(dir).key('prompt')).toThrow(expect.objectContaining({ code: 'FORBIDDEN', details: { file } }));
  });
});
