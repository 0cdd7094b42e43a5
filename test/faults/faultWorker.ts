// A core process for the disk-fault tests (test/integration/diskFaults.test.ts), started under a
// file-size limit (ulimit -f) or as an unprivileged user, so writes fail for real (EFBIG, EACCES).
//   CT_MODE=store   run the queue until the job's output could not be stored (or the job ended)
//   CT_MODE=export  export the release artifacts CT_ARTIFACTS (comma-separated ids) into CT_EXPORT_TO
// Prints one JSON line with what happened, then exits 0.
import { createCore } from '../../electron/core/createCore';
import { silentLogger } from '../../electron/core/nodePorts';
import { isAppError } from '../../shared/errors';
import { FakeClock, testPorts } from '../support/core';

const dataDir = process.env.CT_DATA_DIR!;
const clock = new FakeClock(Number(process.env.CT_NOW ?? Date.parse('2026-11-22T10:00:00Z')));
const core = createCore({ dataDir, appVersion: 'faults', isStrict: true }, { ...testPorts(clock), logger: silentLogger });
const out = (v: unknown): void => {
  process.stdout.write(`${JSON.stringify(v)}\n`);
};

async function store(): Promise<void> {
  const jobId = process.env.CT_JOB!;
  await core.queue.start();
  for (let i = 0; i < 2000; i++) {
    const j = await core.queue.get(jobId);
    if (j.errorCode !== null || !['queued', 'running'].includes(j.status)) {
      await core.queue.idle();
      const k = await core.queue.get(jobId);
      return out({ status: k.status, errorCode: k.errorCode, errorMessage: k.errorMessage, attempts: k.attempts, capturedCredits: k.capturedCredits });
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  out({ status: 'timeout' });
}

async function exportAll(): Promise<void> {
  const ids = process.env.CT_ARTIFACTS!.split(',');
  const entries = await Promise.all(ids.map(async (id, i) => ({ shotPosition: i + 1, takeId: `tk_fault${String(i).padStart(6, '0')}`, paramsHash: 'p', model: 'gen4.5', credits: 25, artifact: await core.media.getRelease(id) })));
  try {
    const r = await core.exporter.exportRelease({ projectId: entries[0]!.artifact.projectId, entries, toDir: process.env.CT_EXPORT_TO! });
    out({ ok: true, dir: r.dir });
  } catch (e) {
    out({ ok: false, error: isAppError(e) ? e.toPayload() : { code: 'THROWN', message: String(e) } });
  }
}

await (process.env.CT_MODE === 'export' ? exportAll() : store());
await core.dispose();
process.exit(0);
