import { useState, type FormEvent } from 'react';
import type { CallOutput } from '../../../shared/contract';
import { useAppStore } from '../../store';
import { errorText } from '../errorText';
import { fmtCredits } from '../format';
import { Modal } from '../Modal';
import '../share.css';

type Check = CallOutput<'export.check'>;

/**
 * Export: the project's finals (release takes only — a preview never leaves through here), the
 * stitched sequence and a manifest, copied into a folder on this machine; all or nothing. The folder
 * comes from the window's picker, or is typed as a full path; either way it is checked and shown —
 * where, new or not, which files — before anything is written. Exported takes move to Published.
 */
export function ExportDialog({ onClose }: { onClose(): void }) {
  const projectId = useAppStore((s) => s.boardProjectId);
  const progress = useAppStore((s) => (projectId ? s.exportProgress[projectId] : undefined));
  const exportProject = useAppStore((s) => s.exportProject);
  const checkExport = useAppStore((s) => s.checkExport);
  const pickFolder = useAppStore((s) => s.pickFolder);
  // Any session but the owner's (a studio member, a review link) exports by name into the server's exports
  // folder and downloads the files from there; the owner writes into a folder on this machine.
  const byName = useAppStore((s) => s.role !== 'owner');
  const door = useAppStore((s) => s.mediaDoor);
  const hasFolderPicker = useAppStore((s) => s.hasFolderPicker && s.role === 'owner');
  const notify = useAppStore((s) => s.notify);
  const saveExportHere = useAppStore((s) => s.saveExportHere);
  // The desktop on a studio: the kept export, copied into a folder picked on this computer.
  const [isSaving, setSaving] = useState(false);
  const [saved, setSaved] = useState<{ dir: string; files: string[] } | null>(null);
  const saveHere = async (files: string[]) => {
    setSaving(true);
    setError(null);
    try {
      const r = await saveExportHere(exportName, files);
      if (r.dir !== null) setSaved({ dir: r.dir, files: r.files });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setSaving(false);
    }
  };
  const [toDir, setToDir] = useState('');
  const [withSequence, setWithSequence] = useState(true);
  const [withPrompts, setWithPrompts] = useState(false);
  const [check, setCheck] = useState<{ for: string; withSequence: boolean; value: Check } | null>(null);
  const [isRunning, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<CallOutput<'export.run'> | null>(null);

  const exportName = toDir.trim();
  const checked = check && check.for === toDir.trim() && check.withSequence === withSequence ? check.value : null;
  const runCheck = async (dir: string) => {
    if (!projectId || dir.trim() === '') return;
    setError(null);
    try {
      setCheck({ for: dir.trim(), withSequence, value: await checkExport({ projectId, toDir: dir.trim(), withSequence }) });
    } catch (err) {
      setCheck(null);
      setError(errorText(err));
    }
  };
  const choose = async () => {
    try {
      const dir = await pickFolder('Export the finals into');
      if (dir) {
        setToDir(dir);
        await runCheck(dir);
      }
    } catch (err) {
      setError(errorText(err));
    }
  };
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!projectId) return;
    if (!checked) return void runCheck(toDir);
    setRunning(true);
    setError(null);
    try {
      // A member's export is named, not placed: the name goes back (the server's own folder would be refused as a path).
      const r = await exportProject({ projectId, toDir: byName ? exportName : checked.dir, withSequence, withPrompts });
      setDone(r);
      // A member's export is known by its name (the studio keeps it, maybe in its bucket), not by the server's folder.
      notify('info', `Exported ${r.takes.length} final${r.takes.length === 1 ? '' : 's'} ${byName ? `as "${exportName}"` : `to ${r.dir}`}.`);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setRunning(false);
    }
  };
  const fraction = progress ?? 0;

  return (
    <Modal title="Export finals" onClose={onClose}>
      {done ? (
        <>
          {byName ? (
            <p>
              {done.takes.length} release take{done.takes.length === 1 ? '' : 's'}
              {done.sequenceFile ? ' and the stitched sequence' : ''}, with the manifest, are kept as <code>{exportName}</code> ({fmtCredits(done.creditsSpent)} credits spent)
              {door === 'host' ? '. Download them here:' : '.'}
            </p>
          ) : (
            <p>
              {done.takes.length} release take{done.takes.length === 1 ? '' : 's'}
              {done.sequenceFile ? ' and the stitched sequence' : ''} are in <code>{done.dir}</code>, with <code>{done.manifestFile}</code> ({fmtCredits(done.creditsSpent)} credits spent).
            </p>
          )}
          {/* Where the files can be downloaded, the download list names them; elsewhere they are listed once here. */}
          {!(byName && door === 'host') && (
            <ul className="export-files" aria-label="Exported files">
              {done.takes.map((t) => (
                <li key={t.file}>
                  <code>{t.file}</code>
                </li>
              ))}
            </ul>
          )}
          {byName && door === 'electron' && (
            <div className="row">
              <button type="button" onClick={() => void saveHere(doneFiles(done))} disabled={isSaving}>
                {isSaving ? 'Saving…' : 'Save a copy on this computer…'}
              </button>
              {saved && (
                <span role="status">
                  Saved {saved.files.length} files in <code>{saved.dir}</code>.
                </span>
              )}
            </div>
          )}
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
          {byName && door === 'host' && (
            <ul className="export-files" aria-label="Download">
              {doneFiles(done).map((f) => (
                <li key={f}>
                  <a href={`/exports/${encodeURIComponent(exportName)}/${encodeURIComponent(f)}`} download={f}>
                    {f}
                  </a>
                </li>
              ))}
            </ul>
          )}
          <div className="modal-actions">
            <button type="button" className="primary" onClick={onClose}>
              Done
            </button>
          </div>
        </>
      ) : (
        <form onSubmit={(e) => void onSubmit(e)}>
          <p>The finals of every shot (release re-renders only), named by shot and take, are copied in shot order with a manifest. Nothing is written unless everything is.</p>
          {byName && <p>The server keeps the export under the name you give; download its files here when it is done.</p>}
          <label htmlFor="export-dir">{byName ? 'Export name' : 'Export folder (full path)'}</label>
          <div className="row">
            <input id="export-dir" value={toDir} onChange={(e) => setToDir(e.target.value)} onBlur={() => void runCheck(toDir)} placeholder={byName ? 'Spring spot v1' : '/Users/you/Exports/Spring spot'} required autoFocus={!hasFolderPicker} />
            {hasFolderPicker && (
              <button type="button" onClick={() => void choose()} autoFocus>
                Choose folder…
              </button>
            )}
            <button type="button" onClick={() => void runCheck(toDir)} disabled={toDir.trim() === '' || isRunning}>
              {byName ? 'Check name' : 'Check folder'}
            </button>
          </div>
          <label className="inline">
            <input type="checkbox" checked={withSequence} onChange={(e) => setWithSequence(e.target.checked)} /> Include the stitched sequence
          </label>
          <label className="inline">
            <input type="checkbox" checked={withPrompts} onChange={(e) => setWithPrompts(e.target.checked)} /> Put the prompts in the manifest
          </label>
          {checked && (
            <section className="export-check" aria-label="Where the export writes">
              <p>
                {checked.isNew ? 'Creates' : 'Writes into'} <code>{byName ? exportName : checked.dir}</code>:
              </p>
              <ul className="export-files" aria-label="Files to write">
                {checked.files.map((f) => (
                  <li key={f} className={checked.clashes.includes(f) ? 'danger-text' : ''}>
                    <code>{f}</code>
                    {checked.clashes.includes(f) ? ' — already there' : ''}
                  </li>
                ))}
              </ul>
              {checked.clashes.length > 0 &&
                (byName ? (
                  <p className="field-error">An export named {exportName} already exists: pick another name.</p>
                ) : (
                  <p className="field-error">This folder already holds {checked.clashes.length === 1 ? 'one of these files' : 'some of these files'}: pick an empty folder.</p>
                ))}
            </section>
          )}
          {isRunning && (
            <div className="export-progress">
              <progress aria-label="Export progress" max={1} value={fraction} />
              <span aria-hidden="true">{Math.round(fraction * 100)} %</span>
            </div>
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
            <button type="submit" className="primary" disabled={isRunning || !checked || checked.clashes.length > 0} title={!checked ? 'Check the folder first: the export shows where it writes before it writes.' : undefined}>
              {isRunning ? 'Exporting…' : checked ? `Export ${checked.files.length} files` : 'Export'}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}

/** A file's own name, whether the answer gave it bare or with the folder it lies in. */
const baseName = (f: string) => f.split(/[\\/]/).pop() ?? f;

/** Every file an export wrote, by its own name: the takes, the sequence, the manifest. */
const doneFiles = (done: CallOutput<'export.run'>): string[] => [...done.takes.map((t) => t.file), ...(done.sequenceFile ? [done.sequenceFile] : []), done.manifestFile].map(baseName);
