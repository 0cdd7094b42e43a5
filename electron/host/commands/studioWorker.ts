import { openCore, parseFlags, reportError, type CliIo } from '../cliSupport';
import { databaseUrlOf } from './studioUrl';
import { untilStopped } from './studioServer';

export const WORKER_USAGE = 'circletake studio worker [--database-url postgres://…] [--data-dir D] [--json]';

/**
 * circletake studio worker: runs a studio's job queue in this process until Ctrl+C or SIGTERM. Any number
 * of workers, on any number of machines, may run on one studio database: each claims ready jobs with
 * FOR UPDATE SKIP LOCKED under a fenced lease, admits every create against the provider tier's limits kept
 * in the database, and takes over a dead worker's jobs once their lease runs out. Stopping sends the jobs
 * it runs back to the queue (another worker resumes them); a SIGKILL leaves them to lease expiry.
 * The data dir gives the worker its prompt key (the same key on every worker) and its local media cache.
 */
export async function runStudioWorker(argv: string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  try {
    const { values } = parseFlags(argv, { 'database-url': { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean' } });
    const databaseUrl = databaseUrlOf(values['database-url']);
    const core = await openCore({ 'data-dir': values['data-dir'], 'database-url': databaseUrl }, { quiet: false });
    try {
      await core.queue.start();
      const stopped = untilStopped(); // listening before "running" is printed: a stop right after it hands the jobs back
      const info = await core.engine.info();
      if (json) io.out(JSON.stringify({ ok: true, pid: process.pid, where: info.where, schemaVersion: info.schemaVersion, dataDir: core.config.dataDir }));
      else {
        io.out(`Circle Take studio worker ${process.pid} is running the queue of ${info.where} (schema ${info.schemaVersion}).`);
        io.out('Stop with Ctrl+C: the jobs it runs go back to the queue for another worker.');
      }
      await stopped;
    } finally {
      await core.dispose();
    }
    return 0;
  } catch (e) {
    return reportError(e, io, json);
  }
}
