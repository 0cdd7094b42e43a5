import type { ArtifactClass } from '../../../../shared/money/params';
import type { DetectorSettings } from '../ffmpeg/args';
import type { WatermarkSpec } from '../watermark';

/**
 * What a clip is checked against. Every limit has a default here; the plan config (shared/money,
 * resources/plans) may override any of them through `thresholds` — the checker never reads plans itself.
 */
export interface CheckThresholds extends DetectorSettings {
  /** Fail "black" when at least this share (0..1) of the clip is black ("mostly black"). */
  maxBlackShare: number;
  /** Fail "freeze" when at least this share (0..1) of the clip is a frozen picture. */
  maxFrozenShare: number;
  /** Audio whose loudest sample is below this (dBFS) counts as silent. */
  silenceMaxDb: number;
  /** A watermark match score (0..1) at or above this means the watermark is there. */
  watermarkMinScore: number;
  /** Allowed |decoded − asked| duration, seconds. */
  durationToleranceSec: number;
  /** A decode this many frames short of what the header claims is a truncated file. */
  truncationToleranceFrames: number;
}

export const DEFAULT_THRESHOLDS: Readonly<CheckThresholds> = {
  blackPixelThreshold: 0.1,
  blackPictureShare: 0.98,
  blackMinSec: 0.1,
  freezeNoiseDb: -60,
  freezeMinSec: 0.5,
  maxBlackShare: 0.5,
  maxFrozenShare: 0.5,
  silenceMaxDb: -60,
  watermarkMinScore: 0.6,
  durationToleranceSec: 0.5,
  truncationToleranceFrames: 2,
};

/** Video codecs a take may use; anything else is a "wrong codec" verdict on decode. */
export const ACCEPTED_VIDEO_CODECS: readonly string[] = ['h264', 'hevc', 'vp9', 'av1'];

export interface CheckExpectations {
  durationSec?: number;
  resolution?: { width: number; height: number };
  /** preview: the watermark must be there; release: it must not. Unset: the score is reported only. */
  artifactClass?: ArtifactClass;
  /**
   * Overrides the class rule for the watermark: true = must be there, false = must not, e.g. from the
   * plan's outputs.watermark_preview / watermark_release.
   */
  watermarkExpected?: boolean;
  /** true: audible audio is required. false/unset: audio is reported, never failed. */
  audio?: boolean;
  /** Which watermark to look for (a provider's registered one); default the bundled preview badge. */
  watermark?: WatermarkSpec;
  /** Accepted video codecs (ffprobe names); default ACCEPTED_VIDEO_CODECS. */
  codecs?: readonly string[];
  thresholds?: Partial<CheckThresholds>;
}

export function resolveThresholds(t: Partial<CheckThresholds> | undefined): CheckThresholds {
  const merged = { ...DEFAULT_THRESHOLDS };
  for (const [k, v] of Object.entries(t ?? {})) {
    if (typeof v === 'number' && Number.isFinite(v)) (merged as Record<string, number>)[k] = v;
  }
  return merged;
}
