import { CheckReport } from '../../../../shared/contract/media';
import { takeRepo } from '../../takes/takeRepo';
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
 * watermark from the provider's registration (or the bundled badge).
 *
 * Where verdicts are stored — once: a check run by hand (`check`: `circletake check`, media.check) is
 * stored here, in artifact_checks (the latest per artifact, kept after retention), and announced by
 * `media.checked`. The auto-check of a new take (`run`) stores nothing here: its verdicts belong to the
 * take (takes.check_status/checks_json/checked_at, written by the take service and announced by
 * `takes.changed`), because they answer that take's own job (its duration, size, audio, provider) and are
 * what the board, the finals and the insight read; a check by hand answers whatever was asked then.
 * `last` answers the newer of the two. (Before migration 0840 the auto-check wrote both.)
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

/** A clip's check as media.lastCheck answers it. */
export interface StoredCheck {
  artifactId: string;
  report: CheckReport;
  checkedAt: number;
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

  /** The latest check run by hand. */
  async last(q: Queryable, artifactId: string): Promise<StoredCheck | null> {
    const row = await q.get<{ report: string; checked_at: number }>('SELECT report, checked_at FROM artifact_checks WHERE artifact_id = ?', [artifactId]);
    return row ? { artifactId, report: CheckReport.parse(JSON.parse(row.report)), checkedAt: row.checked_at } : null;
  },

  /** The newest check of the clip: by hand (artifact_checks) or the auto-check of its take (takes). */
  async latest(q: Queryable, artifactId: string): Promise<StoredCheck | null> {
    const byHand = await artifactCheckRepo.last(q, artifactId);
    const auto = await takeRepo.verdictOfArtifact(q, artifactId);
    if (!auto) return byHand;
    if (byHand && byHand.checkedAt >= auto.checkedAt) return byHand;
    return { artifactId, report: auto.report, checkedAt: auto.checkedAt };
  },
};

export class ArtifactChecks {
  constructor(private readonly deps: { engine: SqlEngine; store: MediaStore; checker: AutoChecker; watermarks: WatermarkRegistry; clock: Clock; logger: Logger; events?: CoreEvents }) {}

  /** A check run by hand: stored as the artifact's latest report and announced. */
  async check(artifactId: string, req: ArtifactCheckRequest = {}, signal?: AbortSignal): Promise<CheckReport> {
    const report = await this.run(artifactId, req, signal);
    const at = this.deps.clock.now();
    await this.deps.engine.tx((q) => artifactCheckRepo.save(q, artifactId, report, at));
    this.deps.events?.emit('media.checked', { artifactId, ok: report.ok });
    return report;
  }

  /** Checks the clip and answers the report; stores and announces nothing (the caller owns the verdict). */
  async run(artifactId: string, req: ArtifactCheckRequest = {}, signal?: AbortSignal): Promise<CheckReport> {
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
    this.deps.logger.log('info', 'clip checked', { id: a.id, ok: report.ok, failed: report.checks.filter((c) => !c.ok).map((c) => c.name) });
    return report;
  }

  /** The newest check of the clip, by hand or automatic, or null. */
  last(artifactId: string): Promise<StoredCheck | null> {
    return artifactCheckRepo.latest(this.deps.engine, artifactId);
  }
}
