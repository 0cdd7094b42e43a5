import { useState, type FormEvent } from 'react';
import type { CallOutput } from '../../../shared/contract';
import { useAppStore } from '../../store';
import { errorText } from '../errorText';
import { fmtCredits } from '../format';
import { Modal } from '../Modal';

/**
 * Export: the project's finals (release takes only — a preview never leaves through here), the
 * stitched sequence and a manifest, copied into a folder on this machine; all or nothing. Exported
 * takes move to Published.
 */
export function ExportDialog({ onClose }: { onClose(): void }) {
  const projectId = useAppStore((s) => s.boardProjectId);
  const progress = useAppStore((s) => (projectId ? s.exportProgress[projectId] : undefined));
  const { exportProject, notify } = useAppStore((s) => s);
  const [toDir, setToDir] = useState('');
  const [withSequence, setWithSequence] = useState(true);
  const [isRunning, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<CallOutput<'export.run'> | null>(null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!projectId) return;
    setRunning(true);
    setError(null);
    try {
      const r = await exportProject({ projectId, toDir: toDir.trim(), withSequence });
      setDone(r);
      notify('info', `Exported ${r.takes.length} final${r.takes.length === 1 ? '' : 's'} to ${r.dir}.`);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setRunning(false);
    }
  };

  return (
    <Modal title="Export finals" onClose={onClose}>
      {done ? (
        <>
          <p>
            {done.takes.length} release take{done.takes.length === 1 ? '' : 's'}
            {done.sequenceFile ? ' and the stitched sequence' : ''} are in <code>{done.dir}</code>, with <code>{done.manifestFile}</code> ({fmtCredits(done.creditsSpent)} credits spent).
          </p>
          <div className="modal-actions">
            <button type="button" className="primary" onClick={onClose}>
              Done
            </button>
          </div>
        </>
      ) : (
        <form onSubmit={(e) => void onSubmit(e)}>
          <p>The finals of every shot (release re-renders only) are copied in shot order with a manifest of their checksums and cost. Nothing is written unless everything is.</p>
          <label htmlFor="export-dir">Export folder</label>
          <input id="export-dir" value={toDir} onChange={(e) => setToDir(e.target.value)} placeholder="/path/to/a/folder" required autoFocus />
          <label className="inline">
            <input type="checkbox" checked={withSequence} onChange={(e) => setWithSequence(e.target.checked)} /> Include the stitched sequence
          </label>
          {isRunning && (
            <progress aria-label="Export progress" max={1} value={progress ?? 0}>
              {Math.round((progress ?? 0) * 100)} %
            </progress>
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
            <button type="submit" className="primary" disabled={isRunning || toDir.trim() === ''}>
              {isRunning ? 'Exporting…' : 'Export'}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
