import type Database from 'better-sqlite3';
import { CheckReport } from '../../../../shared/contract/media';
import type { CoreEvents } from '../../coreEvents';
import type { Db } from '../../db/db';
import type { Clock, Logger } from '../../ports';
import type { MediaStore } from '../store/mediaStore';
import type { WatermarkRegistry } from '../watermarkRegistry';
import type { AutoChecker } from './autoChecker';
import type { CheckExpectations, CheckThresholds } from './expectations';

/**
 * Auto-check of a stored artifact, as the queue runs it for every new take:
 *
 *   const report = await core.artifactChecks.check(artifactId, { durationSec, resolution, audio, provider, thresholds }, signal);
 *
 * The class comes from the artifact (watermark expected on previews, absent on releases), the
 * watermark from the provider's registration (or the bundled badge). The report is stored (latest per
 * artifact, kept after retention) and `media.checked` is emitted. Tagging a failing take needs-fix is
 * the takes service's job: it reads `report.ok` and the failing checks' details.
 */
export interface ArtifactCheckRequest {
  durationSec?: number;
  resolution?: { width: number; height: number };
  audio?: boolean;
  /** Whose watermark to expect on a preview. */
  provider?: string;
  thresholds?: Partial<CheckThresholds>;
  codecs?: readonly string[];
  /** From the plan's outputs.watermark_preview / watermark_release; default: on previews, not on releases. */
  watermarkExpected?: boolean;
}

export class ArtifactChecks {
  private readonly s: {
    save: Database.Statement<{ id: string; ok: number; report: string; at: number }>;
    last: Database.Statement<{ id: string }, { report: string; checked_at: number }>;
  };

  constructor(private readonly deps: { db: Db; store: MediaStore; checker: AutoChecker; watermarks: WatermarkRegistry; clock: Clock; logger: Logger; events?: CoreEvents }) {
    this.s = {
      save: deps.db.conn.prepare(
        `INSERT INTO artifact_checks (artifact_id, ok, report, checked_at) VALUES (@id, @ok, @report, @at)
         ON CONFLICT(artifact_id) DO UPDATE SET ok = excluded.ok, report = excluded.report, checked_at = excluded.checked_at`,
      ),
      last: deps.db.conn.prepare('SELECT report, checked_at FROM artifact_checks WHERE artifact_id = @id'),
    };
  }

  async check(artifactId: string, req: ArtifactCheckRequest = {}, signal?: AbortSignal): Promise<CheckReport> {
    const a = await this.deps.store.get(artifactId);
    const expectations: CheckExpectations = {
      artifactClass: a.class,
      watermark: await this.deps.watermarks.specFor(req.provider),
      ...(req.durationSec !== undefined ? { durationSec: req.durationSec } : {}),
      ...(req.resolution ? { resolution: req.resolution } : {}),
      ...(req.audio !== undefined ? { audio: req.audio } : {}),
      ...(req.thresholds ? { thresholds: req.thresholds } : {}),
      ...(req.codecs ? { codecs: req.codecs } : {}),
      ...(req.watermarkExpected !== undefined ? { watermarkExpected: req.watermarkExpected } : {}),
    };
    const report = await this.deps.store.withLocalFile(a, (file) => this.deps.checker.check(file, expectations, signal));
    this.deps.db.immediate(() => this.s.save.run({ id: a.id, ok: report.ok ? 1 : 0, report: JSON.stringify(report), at: this.deps.clock.now() }));
    this.deps.events?.emit('media.checked', { artifactId: a.id, ok: report.ok });
    this.deps.logger.log('info', 'clip checked', { id: a.id, ok: report.ok, failed: report.checks.filter((c) => !c.ok).map((c) => c.name) });
    return report;
  }

  last(artifactId: string): { artifactId: string; report: CheckReport; checkedAt: number } | null {
    const row = this.s.last.get({ id: artifactId });
    if (!row) return null;
    return { artifactId, report: CheckReport.parse(JSON.parse(row.report)), checkedAt: row.checked_at };
  }
}
