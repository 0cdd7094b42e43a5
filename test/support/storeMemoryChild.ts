// Child process for the store's memory proof: stores one large clip on the store named by argv (an S3
// URL), reads it back as a local file (the cache), exports it, and prints one JSON line with the peak
// memory growth of each step. Its own process, so nothing else's memory is counted.
// Usage: node --import tsx test/support/storeMemoryChild.ts DATA_DIR STORE_URL FILE OUT_DIR
import { createCore } from '../../electron/core/createCore';
import { testPorts } from './core';
import { withMemoryPeak } from './memoryPeak';

const [dataDir, storeUrl, file, outDir] = process.argv.slice(2) as [string, string, string, string];
const core = createCore(
  { dataDir, appVersion: '0.0.0-test', isStrict: true, storeUrl, storeCredentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } },
  testPorts(),
);
const projectId = (await core.projects.create('Memory')).id;
const put = await withMemoryPeak(() => core.media.putRelease({ projectId, jobId: 'job_memory0001', n: 0, fromFile: file }));
const a = put.value;
const cached = await withMemoryPeak(() => core.media.withLocalFile(a, (f) => Promise.resolve(f)));
const release = await core.media.getRelease(a.id);
const exported = await withMemoryPeak(() =>
  core.exporter.exportRelease({ projectId, entries: [{ shotPosition: 1, takeId: 'tk_memory0001', paramsHash: 'm', model: 'm', credits: 0, artifact: release }], toDir: outDir }),
);
await core.dispose();
process.stdout.write(`${JSON.stringify({ sha256: a.sha256, sizeBytes: a.sizeBytes, put: put.peak, cached: cached.peak, exported: exported.peak, exportedSha: exported.value.manifest.takes[0]!.sha256 })}\n`);
