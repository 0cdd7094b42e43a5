import type { DoctorReport } from '../../../shared/contract/system';
import type { Core } from '../../core/createCore';
import { resolveDataDir } from '../../core/dataDir';
import { hostTools } from '../hostTools';
import { probeStudioDatabase } from '../studioDoctor';
import type { CliIo, Command } from '../cliSupport';
import { call, dataDirOption, openCore, parseFlags, reportError } from '../cliSupport';

/**
 * circletake doctor [--data-dir D] [--json]
 * Through core.dispatch (`system.doctor`, owner only). When core cannot open at all (a database from a
 * newer version, a corrupt or read-only one) doctor still reports the tools and says why under
 * `database.error` — that is when it is needed most. With CIRCLETAKE_DATABASE_URL set it also probes
 * the studio's PostgreSQL (version, schema version), and it probes the media store (write, read back,
 * delete a probe object). Exit 0 when ffmpeg, ffprobe, the databases and the store are fine, 1 when any
 * is missing or broken (Chromium and Electron are reported, never failed).
 */
export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'show the ffmpeg, ffprobe, Chromium and Electron in use, the data dir, the database version and the media store (probed)',
  usage: 'circletake doctor [--data-dir D] [--store-url s3://bucket/prefix?endpoint=…] [--json]',
  notes: 'Through system.doctor (owner only). Exit 1 also when ffmpeg or ffprobe is missing, the database cannot be opened, or the media store fails its probe (the report still prints, with the reason).',
  async run(argv, io) {
    const { values } = parseFlags(argv, { ...dataDirOption, json: { type: 'boolean' } });
    let core: Core | undefined;
    let report: DoctorReport;
    try {
      try {
        core = await openCore(values);
      } catch (e) {
        report = { binaries: hostTools(), dataDir: resolveDataDir(values['data-dir']), database: { error: (e as Error).message } };
      }
      if (core) report = await call(core, 'system.doctor', {});
      const studio = await probeStudioDatabase(process.env.CIRCLETAKE_DATABASE_URL || undefined);
      if (studio) report = { ...report!, studioDatabase: studio };
    } catch (e) {
      return reportError(e, io, values.json === true);
    } finally {
      await core?.dispose();
    }
    print(report!, io, values.json === true);
    const studioBroken = report!.studioDatabase !== undefined && 'error' in report!.studioDatabase;
    const essentialMissing = report!.binaries.some((i) => !i.ok && (i.name === 'ffmpeg' || i.name === 'ffprobe')) || 'error' in report!.database || studioBroken || report!.store?.ok === false;
    return essentialMissing ? 1 : 0;
  },
};

function print(r: DoctorReport, io: CliIo, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(r, null, 2));
    return;
  }
  for (const i of r.binaries) {
    io.out(
      i.ok
        ? `ok       ${i.name.padEnd(9)} ${i.path}${i.source ? ` (${i.source})` : ''}${i.version ? `  ${i.version}` : ''}`
        : `missing  ${i.name.padEnd(9)} fix: ${i.fix}`,
    );
  }
  io.out(`data dir ${r.dataDir}`);
  io.out('error' in r.database ? `database error: ${r.database.error}` : `database ${r.database.serverVersion ?? 'SQLite'} ${r.database.file} (schema version ${r.database.version})`);
  const s = r.studioDatabase;
  if (s) {
    io.out(
      'error' in s
        ? `studio   ${s.where}: ${s.error}`
        : `studio   ${s.serverVersion} at ${s.where} (schema version ${s.schemaVersion}${s.schemaVersion === s.appSchemaVersion ? '' : `; this app's is ${s.appSchemaVersion}`}) — used by \`circletake studio import\`; this desktop's own work stays in its SQLite file`,
    );
  }
  if (r.store) io.out(r.store.ok ? `store    ${r.store.where}: write, read back, delete ok` : `store error: ${r.store.where}: ${r.store.error}`);
}
