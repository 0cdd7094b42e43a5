import { CheckReport } from '../../../../shared/contract/media';
import type { CoreEvents } from '../../coreEvents';
import type { Queryable, SqlEngine } from '../../db/engine/sqlEngine';
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

/** The artifact_checks table: the latest report per artifact. */
export const artifactCheckRepo = {
  async save(q: Queryable, artifactId: string, report: CheckReport, at: number): Promise<void> {
    await q.run(
      `INSERT INTO artifact_checks (artifact_id, ok, report, checked_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (artifact_id) DO UPDATE SET ok = excluded.ok, report = excluded.report, checked_at = excluded.checked_at`,
      [artifactId, report.ok ? 1 : 0, JSON.stringify(report), at],
    );
  },

  async last(q: Queryable, artifactId: string): Promise<{ artifactId: string; report: CheckReport; checkedAt: number } | null> {
    const row = await q.get<{ report: string; checked_at: number }>('SELECT report, checked_at FROM artifact_checks WHERE artifact_id = ?', [artifactId]);
    return row ? { artifactId, report: CheckReport.parse(JSON.parse(row.report)), checkedAt: row.checked_at } : null;
  },
};

export class ArtifactChecks {
  constructor(private readonly deps: { engine: SqlEngine; store: MediaStore; checker: AutoChecker; watermarks: WatermarkRegistry; clock: Clock; logger: Logger; events?: CoreEvents }) {}

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
    const at = this.deps.clock.now();
    await this.deps.engine.tx((q) => artifactCheckRepo.save(q, a.id, report, at));
    this.deps.events?.emit('media.checked', { artifactId: a.id, ok: report.ok });
    this.deps.logger.log('info', 'clip checked', { id: a.id, ok: report.ok, failed: report.checks.filter((c) => !c.ok).map((c) => c.name) });
    return report;
  }

  last(artifactId: string): Promise<{ artifactId: string; report: CheckReport; checkedAt: number } | null> {
    return artifactCheckRepo.last(this.deps.engine, artifactId);
  }
}
