import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface HostProcess {
  url: string;
  openUrl: string;
  token: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** Starts `circletake serve --json` as a real child process and reads the URL it prints. */
export async function startHostProcess(dataDir: string, extraArgs: string[] = []): Promise<HostProcess> {
  const child: ChildProcess = spawn(process.execPath, [join(root, 'bin', 'circletake.js'), 'serve', '--json', '--data-dir', dataDir, ...extraArgs], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CIRCLETAKE_DATA_DIR: '' },
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const line = await new Promise<string>((resolveLine, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolveLine);
    child.once('exit', (code) => reject(new Error(`host exited with ${code}: ${stderr}`)));
  });
  const info = JSON.parse(line) as { url: string; openUrl: string; token: string };
  return {
    ...info,
    dataDir,
    stop: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

export function tempDataDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ct-e2e-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
