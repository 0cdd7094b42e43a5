import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../../../shared/errors';
import { Db } from '../../core/db/db';
import { systemClock, silentLogger } from '../../core/nodePorts';
import type { DesktopImportReport } from '../../core/studio/desktopImport';
import { createBackend, storeConfigFrom } from '../../core/media/store/backend/createBackend';
import type { MediaMoveReport } from '../../core/studio/mediaMove';
import type { CliIo, Command } from '../cliSupport';
import { parseFlags, reportError, UsageError } from '../cliSupport';
import { databaseUrlOf } from './studioUrl';
import { runStudioWorker, WORKER_USAGE } from './studioWorker';
import { runStudioServer, SERVER_NOTES, SERVER_USAGE } from './studioServer';
import { ACCOUNTS_USAGE, runStudioAccounts } from './studioAccounts';

/**
 * circletake studio import --from <data dir> [--database-url URL] [--no-ledger] [--media --store-url s3://…] [--json]
 * Moves a desktop's projects, shots, takes, tags, comments, jobs and ledger history into a studio's
 * PostgreSQL database, once (a repeat is a no-op), with the books checked on both sides. With --media it
 * also copies the desktop's preview and release files into the studio's bucket, verified by sha256,
 * resumable (Ctrl-C stops between clips; run it again to go on). Not a contract entry: it works on two databases, neither of them the data dir a
 * running core has open.
 */
const IMPORT_USAGE = 'circletake studio import --from <data dir> [--database-url postgres://…] [--no-ledger] [--media [--store-url s3://bucket/prefix?endpoint=…]] [--json]';
const USAGE = `${SERVER_USAGE}\n       ${IMPORT_USAGE}\n       ${WORKER_USAGE}\n       ${ACCOUNTS_USAGE}`;

function desktopFile(from: string): string {
  const dir = resolve(from);
  const file = join(dir, 'circletake.db');
  if (!existsSync(file) || statSync(file).size === 0) {
    throw new AppError('VALIDATION', `--from ${dir} is not a Circle Take data dir (it has no circletake.db). Pass the folder the desktop app keeps its data in.`, { field: 'from', path: dir });
  }
  return file;
}

function print(r: DesktopImportReport, where: string, io: CliIo): void {
  if (r.alreadyImported) {
    io.out(`desktop ${r.sourceId} was imported into ${where} on ${new Date(r.importedAt).toLocaleString()}: nothing copied this time`);
    return;
  }
  const rows = r.tables.reduce((n, t) => n + t.rows, 0);
  io.out(`imported desktop ${r.sourceId} into ${where}: ${rows} rows in ${r.tables.length} tables${r.withLedger ? '' : ' (without its ledger)'}`);
  for (const t of r.tables.filter((x) => x.rows > 0)) io.out(`  ${t.table.padEnd(26)} ${String(t.rows).padStart(8)}${t.skipped ? `  (${t.skipped} already there)` : ''}`);
  if (r.books) io.out(`books balance: ${r.books.accounts} accounts, posted ${r.books.postedCredits}, held ${r.books.pendingCredits}`);
}

function printMedia(m: MediaMoveReport, io: CliIo): void {
  io.out(`media: ${m.uploaded} clip(s) copied (${(m.bytes / 1024 / 1024).toFixed(1)} MB), ${m.alreadyThere} already in the bucket, ${m.done} moved before`);
  if (m.gone.length > 0) io.out(`  ${m.gone.length} clip(s) were swept by retention on the desktop: their metadata moved, their files are gone`);
}

function warnMismatched(m: MediaMoveReport, io: CliIo): void {
  if (m.mismatched.length > 0) io.err(`circletake: ${m.mismatched.length} file(s) no longer match the sha256 recorded when they were stored (${m.mismatched.join(', ')}); they were not copied`);
}

export const studioCommand: Command = {
  name: 'studio',
  summary: 'the studio server (`studio`, or `studio --dev` to try one), `studio worker` runs its queue, `studio import` moves a desktop data dir into it, `studio invite|members|revoke` its accounts',
  usage: USAGE,
  notes: SERVER_NOTES,
  async run(argv, io) {
    const json = argv.includes('--json');
    try {
      const [sub, ...rest] = argv;
      if (sub === undefined || sub.startsWith('-')) return await runStudioServer(argv, io);
      if (sub === 'worker') return await runStudioWorker(rest, io);
      if (sub === 'invite' || sub === 'members' || sub === 'revoke') return await runStudioAccounts(sub, rest, io);
      if (sub !== 'import') throw new UsageError(`unknown studio command "${sub ?? ''}". Usage: ${USAGE}`);
      const { values } = parseFlags(rest, {
        from: { type: 'string' },
        'database-url': { type: 'string' },
        'no-ledger': { type: 'boolean' },
        media: { type: 'boolean' },
        'store-url': { type: 'string' },
        json: { type: 'boolean' },
      });
      if (!values.from) throw new UsageError(`--from is required. Usage: ${IMPORT_USAGE}`);
      if (values['store-url'] !== undefined && !values.media) throw new UsageError('--store-url is for --media: add --media to copy the clips into that store');
      const file = desktopFile(values.from);
      // The PostgreSQL driver is loaded by this command only, not by every CLI start.
      const [{ PgEngine }, { migratePg }, { importDesktop }, { moveMedia }] = await Promise.all([
        import('../../core/db/engine/pgEngine'),
        import('../../core/db/pg/pgMigrate'),
        import('../../core/studio/desktopImport'),
        import('../../core/studio/mediaMove'),
      ]);
      const store = values.media ? storeConfigFrom(values['store-url']) : null;
      if (store?.kind === 'local') throw new UsageError('--media copies clips into the studio\'s object store: give --store-url s3://bucket/prefix?endpoint=… (or set CIRCLETAKE_STORE_URL)');
      const engine = new PgEngine({ url: databaseUrlOf(values['database-url']), max: 2, statementTimeoutMs: 120_000 });
      const source = Db.open({ file, logger: silentLogger, clock: systemClock });
      try {
        await migratePg(engine);
        const report = await importDesktop({ source, target: engine, withLedger: values['no-ledger'] !== true, now: systemClock.now() });
        const where = (await engine.info()).where;
        if (!json) print(report, where, io);
        let media: MediaMoveReport | undefined;
        if (store) {
          const backend = createBackend(store, silentLogger)!;
          const stop = new AbortController();
          const onInt = () => stop.abort(new AppError('CANCELLED', 'Stopped by Ctrl-C: the clips copied so far are kept; run the same command again to go on.'));
          process.once('SIGINT', onInt);
          try {
            media = await moveMedia({ source, dataDir: resolve(values.from), target: engine, backend, signal: stop.signal });
          } finally {
            process.off('SIGINT', onInt);
            backend.dispose();
          }
          if (!json) printMedia(media, io);
          warnMismatched(media, io);
        }
        if (json) io.out(JSON.stringify({ ok: true, where, ...report, ...(media ? { media } : {}) }));
        else if (!store) io.out('media files stay on this machine: add --media --store-url s3://… to copy them into the studio\'s bucket');
        return media && media.mismatched.length > 0 ? 1 : 0;
      } finally {
        source.dispose();
        await engine.close();
      }
    } catch (e) {
      return reportError(e, io, json);
    }
  },
};
