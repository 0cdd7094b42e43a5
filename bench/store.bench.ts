import { spawn } from 'node:child_process';
import { closeSync, openSync, ftruncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { testCore } from '../test/support/core';
import { withMemoryPeak, type MemoryPeak } from '../test/support/memoryPeak';
import { tempDir } from '../test/support/tmp';
import type { Core } from '../electron/core/createCore';
import type { StoredArtifact } from '../electron/core/media/store/artifact';
import { fmt, printRatio } from './support';

/**
 * bench store: one large clip (STORE_BENCH_MB, default 1024 — a sparse file, so making it costs nothing)
 * stored, read back through the local cache (what ffmpeg consumers get) and exported, on the S3 backend
 * (s3rver in its own process on 127.0.0.1, the real SDK, multipart) beside the same file on the local
 * folders in the same run. Prints MB/s for each and this process's peak RSS, heap and ArrayBuffer
 * growth above where it started, sampled every 20 ms: the proof that a file never sits in memory.
 */
const MB = 1024 * 1024;

const mem = (p: MemoryPeak) => `peak over start: rss ${fmt(p.rss / MB)} MB, heap ${fmt(p.heap / MB)} MB, buffers ${fmt(p.buffers / MB)} MB`;

export default async function storeBench(): Promise<void> {
  const sizeMb = Number(process.env.STORE_BENCH_MB ?? 1024);
  const work = tempDir('ct-bench-store-');
  const bucket = 'circletake-bench';
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/s3rverChild.ts', join(work.dir, 's3'), bucket], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = Number(await new Promise<string>((ok) => createInterface({ input: child.stdout! }).once('line', ok)));
  const url = `s3://${bucket}/bench?endpoint=${encodeURIComponent(`http://127.0.0.1:${port}`)}&region=us-east-1&pathStyle=1`;

  const src = join(work.dir, 'big.mp4');
  const fd = openSync(src, 'w');
  writeSync(fd, Buffer.from(`circletake bench ${Date.now()}`)); // not all zeros, so no earlier run's object matches
  ftruncateSync(fd, sizeMb * MB);
  closeSync(fd);

  const cores: { label: string; core: Core; cleanup: () => Promise<void> }[] = [];
  try {
    for (const label of ['local', 's3'] as const) {
      const t = testCore({
        dataDir: join(work.dir, label),
        config: label === 's3' ? { storeUrl: url, storeCredentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, mediaCacheBytes: 2 * sizeMb * MB } : {},
      });
      cores.push({ label, core: t.core, cleanup: t.cleanup });
    }
    console.log(`  one ${sizeMb} MB clip, S3 = s3rver on 127.0.0.1 in another process (multipart, 8 MiB parts)`);
    const results: Record<string, Record<string, { secs: number; peak: MemoryPeak }>> = {};
    for (const { label, core } of cores) {
      const project = await core.projects.create('Bench');
      const put = await withMemoryPeak(() => core.media.putRelease({ projectId: project.id, jobId: 'job_bench00001', n: 0, fromFile: src }));
      const a: StoredArtifact = put.value;
      // What ffmpeg consumers get: a local file (on S3, downloaded into the verified cache).
      const cached = await withMemoryPeak(() => core.media.withLocalFile(a, (f) => Promise.resolve(f)));
      const release = await core.media.getRelease(a.id);
      const exported = await withMemoryPeak(() =>
        core.exporter.exportRelease({
          projectId: project.id,
          entries: [{ shotPosition: 1, takeId: 'tk_bench00001', paramsHash: 'bench', model: 'bench', credits: 0, artifact: release }],
          toDir: join(work.dir, `export-${label}`),
        }),
      );
      results[label] = { store: put, ...(label === 's3' ? { 'local file (cache)': cached } : {}), export: exported };
      for (const [step, r] of Object.entries(results[label]!)) console.log(`  ${label.padEnd(5)} ${step.padEnd(19)} ${fmt(sizeMb / r.secs).padStart(8)} MB/s   ${mem(r.peak)}`);
    }
    for (const step of ['store', 'export'] as const) {
      printRatio(
        { label: `${step} on S3 (s3rver, loopback)`, rate: sizeMb / results.s3![step]!.secs, unit: 'MB/s' },
        { label: `${step} on the local folders`, rate: sizeMb / results.local![step]!.secs, unit: 'MB/s' },
      );
    }
  } finally {
    for (const c of cores) await c.cleanup();
    child.stdin!.end();
    await new Promise((ok) => child.once('exit', ok));
    work.cleanup();
  }
}
