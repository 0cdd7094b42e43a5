import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

// `circletake studio --dev` for the e2e specs: a throwaway PostgreSQL, an S3-compatible store, one queue
// worker and the studio server, started as one process group and stopped with everything in it.

export interface Studio {
  url: string;
  token: string;
  child: ChildProcess;
}

export async function startStudio(): Promise<Studio> {
  // Its own process group, so the stop reaches the worker and the throwaway servers too.
  const child = spawn(process.execPath, ['bin/circletake.js', 'studio', '--dev', '--json'], { stdio: ['ignore', 'pipe', 'ignore'], detached: true, env: { ...process.env, CIRCLETAKE_DATABASE_URL: '' } });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`studio --dev exited with ${code}`)));
  });
  const info = JSON.parse(line) as { url: string; token: string };
  return { url: info.url, token: info.token, child };
}

export async function stopStudio(s: Studio): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = new Promise<void>((r) => s.child.once('exit', () => r()));
  process.kill(-s.child.pid!, 'SIGINT');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
  if (s.child.exitCode === null) process.kill(-s.child.pid!, 'SIGKILL');
}

/** A call on the studio as its admin (the owner's token). */
export async function rpc<T>(s: Studio, name: string, input: unknown): Promise<T> {
  const res = await fetch(`${s.url.replace(/\/$/, '')}/rpc/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` }, body: JSON.stringify(input) });
  const body = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.message}`);
  return body.value;
}
