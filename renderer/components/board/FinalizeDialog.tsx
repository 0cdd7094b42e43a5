import { useEffect, useState } from 'react';
import type { FinalizePlan } from '../../../shared/contract/finalize';
import { mediaUrl } from '../../../shared/contract/media';
import type { Surface } from '../../../shared/money/pools';
import { useAppStore } from '../../store';
import { errorText } from '../errorText';
import { fmtCredits, fmtSec, surfaceLabel } from '../format';
import { Modal } from '../Modal';
import { mixedShapes, shapeOf } from './finalizeShapes';
import '../share.css';

/**
 * The finalize batch confirmation: each shortlisted take and its release re-render cost, the total,
 * balance before → after, and the multiplier against what the previews cost. Confirming submits
 * exactly this batch (core refuses it if it would now cost more); progress shows per job in Finalize.
 */
export function FinalizeDialog({ onClose }: { onClose(): void }) {
  const projectId = useAppStore((s) => s.boardProjectId);
  const { planFinalize, runFinalize, notify } = useAppStore((s) => s);
  const [plan, setPlan] = useState<FinalizePlan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [isRunning, setRunning] = useState(false);
  useEffect(() => {
    if (!projectId) return;
    let isCurrent = true;
    planFinalize(projectId).then(
      (p) => isCurrent && setPlan(p),
      (e: unknown) => isCurrent && setError(errorText(e)),
    );
    return () => {
      isCurrent = false;
    };
  }, [projectId, planFinalize]);

  const onRun = async () => {
    if (!plan) return;
    setRunning(true);
    try {
      const r = await runFinalize(plan);
      for (const f of r.failed) notify('error', `Take ${f.takeId}: ${f.message}`);
      if (r.jobIds.length > 0) notify('info', `Finalizing ${r.jobIds.length} take${r.jobIds.length === 1 ? '' : 's'} at release spec.`);
      onClose();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setRunning(false);
    }
  };

  const n = plan?.items.length ?? 0;
  const mixed = plan ? mixedShapes(plan.items) : null;
  const surfaces = plan ? (Object.keys(plan.before) as Surface[]) : [];
  return (
    <Modal title={plan ? `Finalize ${n} take${n === 1 ? '' : 's'}` : 'Finalize'} onClose={onClose} wide>
      {!plan && !error && <p className="muted">Pricing the release re-renders…</p>}
      {plan && (
        <>
          <p>Each take is re-rendered at the plan's release spec: a new render, never a promoted preview.</p>
          <table className="finalize-list" aria-label="Takes to finalize">
            <thead>
              <tr>
                <th>
                  <span className="visually-hidden">Picture</span>
                </th>
                <th>Shot</th>
                <th>Shape</th>
                <th>Model</th>
                <th>Length</th>
                <th className="num">Preview</th>
                <th className="num">Release</th>
              </tr>
            </thead>
            <tbody>
              {plan.items.map((i) => (
                <tr key={i.takeId}>
                  <td>
                    <FinalizeThumb takeId={i.takeId} label={`${i.shotName}, ${i.model}`} />
                  </td>
                  <td>{i.shotName}</td>
                  <td>{shapeOf(i.ratio) ?? '—'}</td>
                  <td>{i.model}</td>
                  <td>{fmtSec(i.durationSec)}</td>
                  <td className="num">{fmtCredits(i.previewCredits)}</td>
                  <td className="num">{fmtCredits(i.releaseCredits)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {mixed && (
            <p className="field-error" role="alert">
              Mixed shapes: {mixed.map((m) => `${m.shape} (${m.shots.join(', ')})`).join('; ')}. The stitched sequence takes the first shot&apos;s frame and puts black bars around
              the others. Re-render them at one ratio for a clean cut, or finalize and export them without the sequence.
            </p>
          )}
          <p className="finalize-total">
            <strong>{fmtCredits(plan.totalCredits)} credits</strong>
            {plan.multiplier !== null && (
              <span>
                {' '}
                — ×{plan.multiplier} what the previews cost ({fmtCredits(plan.previewCredits)})
              </span>
            )}
          </p>
          {surfaces.map((s) => (
            <p key={s} className="balance-move" data-surface={s}>
              {surfaceLabel(s)} {fmtCredits(plan.before[s] ?? 0)} → {fmtCredits(plan.after[s] ?? 0)}
            </p>
          ))}
          {plan.skipped.map((k) => (
            <p key={k.takeId} className="muted">
              Left out {k.takeId}: {k.reason}.
            </p>
          ))}
          {plan.refusals.map((r) => (
            <div key={r.rule + r.message}>
              <p className="field-error">{r.message}</p>
              {r.waysOut.length > 0 && <p className="muted">Ways out: {r.waysOut.map((w) => w.text).join('; ')}.</p>}
            </div>
          ))}
        </>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="modal-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="primary" disabled={!plan?.canRun || isRunning} onClick={() => void onRun()}>
          {isRunning ? 'Submitting…' : `Finalize ${n} take${n === 1 ? '' : 's'}`}
        </button>
      </div>
    </Modal>
  );
}

/** The take's poster, small, so the batch is recognised at a glance (loaded like the board's). */
function FinalizeThumb({ takeId, label }: { takeId: string; label: string }) {
  const facts = useAppStore((s) => s.takes[takeId]);
  const door = useAppStore((s) => s.mediaDoor);
  const thumbs = useAppStore((s) => (facts?.artifactId ? s.thumbs[facts.artifactId] : undefined));
  const loadThumbs = useAppStore((s) => s.loadThumbs);
  useEffect(() => {
    if (facts?.artifactId && thumbs === undefined) void loadThumbs(facts.artifactId);
  }, [facts?.artifactId, thumbs, loadThumbs]);
  if (!facts || typeof thumbs !== 'object') return <span className="finalize-thumb placeholder" aria-hidden="true" />;
  return <img className="finalize-thumb" src={mediaUrl(door, facts.artifactClass, thumbs.posterId)} alt={label} />;
}
