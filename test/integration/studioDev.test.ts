import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { expect } from 'vitest';
import { pgNeed } from '../support/engines';
import { rawRequest } from '../support/http';
import { itWith } from '../support/needs';

// `circletake studio --dev`: one command starts a throwaway PostgreSQL, an S3-compatible server, a worker
// and the studio server; it answers calls; Ctrl-C (to the whole process group, as a terminal sends it) stops
// all of it and leaves no files behind.

itWith([pgNeed], 'circletake studio --dev starts a whole studio, answers a call, and cleans everything up on Ctrl-C', async () => {
  // Its own process group, so the Ctrl-C below reaches the whole group as a terminal's does (PostgreSQL too).
  const child = spawn(process.execPath, ['bin/circletake.js', 'studio', '--dev', '--json'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  try {
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const ready = await new Promise<{ url: string; token: string; databaseUrl: string; storeUrl: string; tempDir: string }>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line) as never));
      child.once('exit', (code) => reject(new Error(`studio --dev exited before it started (${code}): ${err}`)));
    });
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(ready.storeUrl).toMatch(/^s3:\/\/circletake-dev\//);
    expect(existsSync(ready.tempDir)).toBe(true);
    const r = await rawRequest(`${ready.url}rpc/projects.create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ready.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Tried on --dev' }),
    });
    expect(r.status).toBe(200);
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c));
      process.kill(-child.pid!, 'SIGINT');
    });
    expect(code, err).toBe(0);
    expect(existsSync(ready.tempDir)).toBe(false);
    // The database is gone with it.
    const db = new pg.Client({ connectionString: ready.databaseUrl, connectionTimeoutMillis: 2000 });
    await expect(db.connect()).rejects.toThrow();
    await db.end().catch(() => undefined);
  } finally {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  }
});
