import type { TakeCard } from '../../../shared/contract/board';
import { Modal } from '../Modal';
import { fmtCredits } from '../format';

/**
 * The finalize batch confirmation: the shortlisted takes and what their previews cost. The release
 * quote (total, balance before → after, multiplier against the previews) and the submit come from
 * core's finalize calls; until those are in the contract the button says so instead of guessing.
 */
export function FinalizeDialog({ shortlist, onClose }: { shortlist: readonly TakeCard[]; onClose(): void }) {
  const previewCredits = shortlist.reduce((a, c) => a + c.credits, 0);
  return (
    <Modal title={`Finalize ${shortlist.length} take${shortlist.length === 1 ? '' : 's'}`} onClose={onClose}>
      <p>Each shortlisted take is re-rendered at the plan's release spec (a new render, never a promoted preview).</p>
      <ul className="finalize-list">
        {shortlist.map((c) => (
          <li key={c.id}>
            Take {c.n + 1} · {c.model} · preview {fmtCredits(c.credits)} cr
          </li>
        ))}
      </ul>
      <p>Previews cost {fmtCredits(previewCredits)} credits in all.</p>
      <p className="field-error">Release quotes are not available in this build yet: core has no finalize call in its contract.</p>
      <div className="modal-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="primary" disabled>
          Finalize
        </button>
      </div>
    </Modal>
  );
}
