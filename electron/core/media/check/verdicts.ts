import type { CheckItem, CheckName, CheckReport } from '../../../../shared/contract/media';
import { BLACK_FRAME_STEP } from '../ffmpeg/args';
import type { ProbeInfo } from '../ffmpeg/probe';
import { coveredSeconds, type DetectorLog } from './checkLog';
import { ACCEPTED_VIDEO_CODECS, type CheckExpectations, type CheckThresholds } from './expectations';

/**
 * Pure: what one probe + one decode pass observed → the `circletake check` report. Every check is
 * always present, in a fixed order; a check that could not be measured fails with value null.
 */
export interface CheckObservations {
  /** Why the clip could not be read at all (empty file, not media, no video stream), or null. */
  unreadable: string | null;
  probe: ProbeInfo | null;
  /** isComplete: ffmpeg ran to the end of the file (its final progress block arrived, exit 0). */
  decode: { isComplete: boolean; frames: number | null; outTimeSec: number | null } | null;
  log: DetectorLog | null;
  watermark: { score: number; frames: number } | { skipped: string } | null;
}

export const CHECK_ORDER: readonly CheckName[] = ['decode', 'duration', 'resolution', 'black', 'freeze', 'audio', 'watermark'];

const r2 = (n: number) => Math.round(n * 100) / 100;
const pct = (share: number) => Math.round(share * 1000) / 10;
const secs = (n: number) => `${n.toFixed(2)} s`;
const db = (n: number) => (n === -Infinity ? '-inf dB' : `${n.toFixed(1)} dB`);

export function buildReport(o: CheckObservations, e: CheckExpectations, t: CheckThresholds): CheckReport {
  const checks = o.unreadable !== null || !o.probe?.video ? unreadableReport(o.unreadable ?? 'the file has no video stream') : judge(o, e, t);
  return { ok: checks.every((c) => c.ok), checks };
}

function unreadableReport(reason: string): CheckItem[] {
  return CHECK_ORDER.map((name) =>
    name === 'decode'
      ? { name, ok: false, value: null, detail: reason }
      : { name, ok: false, value: null, detail: 'not checked: the file does not decode' },
  );
}

function judge(o: CheckObservations, e: CheckExpectations, t: CheckThresholds): CheckItem[] {
  const v = o.probe!.video!;
  const fps = v.fps ?? 24;
  const frameSec = 1 / fps;
  const log = o.log ?? { black: [], freeze: [], volume: null, errors: [] };
  const claimedSec = v.durationSec ?? o.probe!.durationSec;
  const claimedFrames = v.frameCount ?? (claimedSec !== null ? Math.round(claimedSec * fps) : null);
  const codecs = e.codecs ?? ACCEPTED_VIDEO_CODECS;
  const codecOk = codecs.includes(v.codec);
  const res = `${v.width}x${v.height}`;
  const want = e.resolution ? `${e.resolution.width}x${e.resolution.height}` : null;
  const resolution: CheckItem = {
    name: 'resolution',
    ok: want === null || want === res,
    value: res,
    detail: want === null ? `${res} (no resolution asked)` : want === res ? `${res} as asked` : `${res}, but ${want} was asked`,
  };
  const why = log.errors[0] ? `: ${log.errors[0]}` : '';

  // ffmpeg stopped on a decode error (-xerror): how far it got is unknown, so nothing that needs the
  // whole clip is judged.
  if (!o.decode?.isComplete) {
    const claim = claimedSec !== null ? ` (the header claims ${secs(claimedSec)})` : '';
    const notJudged = (name: CheckName): CheckItem => ({ name, ok: false, value: null, detail: 'not checked: the clip does not decode to the end' });
    return [
      { name: 'decode', ok: false, value: null, detail: `decoding stopped with an error${claim}: the file is truncated or damaged${why}` },
      notJudged('duration'),
      resolution,
      notJudged('black'),
      notJudged('freeze'),
      o.probe?.audio ? notJudged('audio') : audioCheck(o, e, t),
      notJudged('watermark'),
    ];
  }

  const frames = o.decode.frames ?? 0;
  const decodedSec = o.decode.frames !== null ? frames / fps : (o.decode.outTimeSec ?? 0);
  const nothing = decodedSec <= 0;
  const isShort = claimedFrames !== null && frames < claimedFrames - t.truncationToleranceFrames;
  let decodeDetail: string;
  if (!codecOk) decodeDetail = `video codec ${v.codec} is not accepted (accepted: ${codecs.join(', ')}); re-encode the clip, e.g. to H.264 MP4`;
  else if (isShort) {
    decodeDetail = `only ${secs(decodedSec)} of the ${secs(claimedSec ?? 0)} the header claims decodes (${frames} of ${claimedFrames} frames): the file is truncated or damaged${why}`;
  } else if (log.errors.length > 0) decodeDetail = `${log.errors.length} decode error${log.errors.length === 1 ? '' : 's'}${why}`;
  else decodeDetail = `${frames} frames (${secs(decodedSec)}) of ${v.codec} decode without errors`;
  const decode: CheckItem = { name: 'decode', ok: codecOk && log.errors.length === 0 && !isShort && !nothing, value: r2(decodedSec), detail: decodeDetail };

  let duration: CheckItem;
  if (e.durationSec === undefined) duration = { name: 'duration', ok: !nothing, value: r2(decodedSec), detail: `${secs(decodedSec)} (no duration asked)` };
  else {
    const off = Math.abs(decodedSec - e.durationSec);
    duration = {
      name: 'duration',
      ok: off <= t.durationToleranceSec,
      value: r2(decodedSec),
      detail: `${secs(decodedSec)} decoded, asked ${e.durationSec} s ± ${t.durationToleranceSec} s${off > t.durationToleranceSec ? ` (off by ${secs(off)})` : ''}`,
    };
  }

  const detector = (name: 'black' | 'freeze', intervals: DetectorLog['black'], limit: number, label: string): CheckItem => {
    if (nothing) return { name, ok: false, value: null, detail: 'not checked: no frame decoded' };
    // blackdetect sees every BLACK_FRAME_STEP-th frame, freezedetect every frame.
    const step = name === 'black' ? frameSec * BLACK_FRAME_STEP : frameSec;
    const s = Math.min(1, coveredSeconds(intervals, decodedSec, step) / decodedSec);
    return { name, ok: s < limit, value: pct(s), detail: `${label}: ${pct(s)} % of the clip (fails at ${pct(limit)} % or more)` };
  };

  return [
    decode,
    duration,
    resolution,
    detector('black', log.black, t.maxBlackShare, 'black'),
    detector('freeze', log.freeze, t.maxFrozenShare, 'frozen picture'),
    audioCheck(o, e, t),
    watermarkCheck(o, e, t),
  ];
}

function audioCheck(o: CheckObservations, e: CheckExpectations, t: CheckThresholds): CheckItem {
  const asked = e.audio === true;
  const track = o.probe?.audio ?? null;
  const peak = o.log?.volume?.maxDb ?? null;
  const value = peak === null ? null : r2(Math.max(peak, -120));
  if (!track) return { name: 'audio', ok: !asked, value: null, detail: asked ? 'no audio track, but audio was asked' : 'no audio track (none asked)' };
  const where = `${track.codec}${track.channels ? `, ${track.channels} ch` : ''}`;
  if (peak === null) return { name: 'audio', ok: !asked, value, detail: `audio track (${where}) could not be measured${asked ? ', and audio was asked' : ''}` };
  const audible = peak > t.silenceMaxDb;
  if (!asked) return { name: 'audio', ok: true, value, detail: `${audible ? 'audio' : 'silent audio'} (${where}), peak ${db(peak)} (none asked)` };
  return {
    name: 'audio',
    ok: audible,
    value,
    detail: audible ? `audio (${where}), peak ${db(peak)}` : `audio is silent: peak ${db(peak)}, needs more than ${db(t.silenceMaxDb)}`,
  };
}

function watermarkCheck(o: CheckObservations, e: CheckExpectations, t: CheckThresholds): CheckItem {
  const cls = e.artifactClass;
  const expected = e.watermarkExpected ?? (cls === 'preview' ? true : cls === 'release' ? false : undefined);
  const what = cls ?? 'clip';
  const w = o.watermark;
  if (w === null) return { name: 'watermark', ok: expected === undefined, value: null, detail: 'not checked: no frame was sampled' };
  if ('skipped' in w) {
    return { name: 'watermark', ok: expected !== true, value: null, detail: expected === true ? `${w.skipped}, so it cannot carry the watermark` : w.skipped };
  }
  const score = r2(w.score);
  const found = w.score >= t.watermarkMinScore;
  const match = `match ${score.toFixed(2)} over ${w.frames} frame${w.frames === 1 ? '' : 's'}; ${t.watermarkMinScore} or more means present`;
  if (expected === undefined) return { name: 'watermark', ok: true, value: score, detail: `${found ? 'watermark present' : 'no watermark'} (${match}; no class given, not judged)` };
  if (expected) {
    return { name: 'watermark', ok: found, value: score, detail: found ? `watermark present, as a ${what} needs (${match})` : `no watermark, but a ${what} must carry one (${match})` };
  }
  return {
    name: 'watermark',
    ok: !found,
    value: score,
    detail: found ? `a watermark is burned in, but a ${what} must be clean (${match})` : `no watermark, as a ${what} needs (${match})`,
  };
}
