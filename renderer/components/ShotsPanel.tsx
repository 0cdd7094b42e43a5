import { useEffect, useState, type FormEvent } from 'react';
import type { Shot } from '../../shared/contract/shots';
import { useAppStore } from '../store';
import { ConfirmDialog } from './ConfirmDialog';
import { errorText } from './errorText';
import { can } from '../store/access';

/** The open project's shots in sequence order: add, rename, reorder, delete with confirmation. */
export function ShotsPanel({ projectId }: { projectId: string }) {
  const shots = useAppStore((s) => s.shotsByProject[projectId]);
  const { loadShots, createShot, renameShot, moveShot, deleteShot, notify, selectDraftShot } = useAppStore((s) => s);
  const [name, setName] = useState('');
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [deleting, setDeleting] = useState<Shot | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const fail = (e: unknown) => notify('error', errorText(e));

  useEffect(() => {
    loadShots(projectId).catch((e: unknown) => notify('error', errorText(e)));
  }, [projectId, loadShots, notify]);

  const onCreate = (e: FormEvent) => {
    e.preventDefault();
    const sent = name;
    createShot(projectId, sent).then(
      (shot) => {
        // The new shot is where the next draft goes.
        selectDraftShot(projectId, shot.id);
        // Clear only what was sent: a name typed while this one was being made is the next shot's.
        setName((now) => (now === sent ? '' : now));
        setFormError(null);
      },
      (err: unknown) => setFormError(errorText(err)),
    );
  };
  const onRename = (e: FormEvent) => {
    e.preventDefault();
    if (!renaming) return;
    renameShot(renaming.id, renaming.name).then(() => setRenaming(null), fail);
  };
  const list = shots ?? [];
  const isOwner = useAppStore((s) => can(s, 'shots.create'));
  // A filmmaker adds shots; moving, renaming and deleting them is an admin's.
  const mayMove = useAppStore((s) => can(s, 'shots.move'));
  const mayRename = useAppStore((s) => can(s, 'shots.rename'));
  const mayDelete = useAppStore((s) => can(s, 'shots.delete'));
  return (
    <section className="shots" aria-labelledby="shots-heading">
      <h2 id="shots-heading">Shots</h2>
      {isOwner && (
      <form className="row" onSubmit={onCreate}>
        <input aria-label="Shot name" value={name} maxLength={120} placeholder="e.g. Opening" onChange={(e) => setName(e.target.value)} />
        <button type="submit" disabled={name.trim() === ''} title={name.trim() === '' ? 'Type a name for the shot first.' : undefined}>
          Add shot
        </button>
      </form>
      )}
      {formError && (
        <p className="field-error" role="alert">
          {formError}
        </p>
      )}
      {shots && list.length === 0 && <p className="muted">No shots yet. A draft can create one too.</p>}
      <ol className="shot-list" aria-label="Shot list">
        {list.map((s, i) => (
          <li key={s.id}>
            {renaming?.id === s.id ? (
              <form className="row" onSubmit={onRename}>
                <input
                  aria-label={`New name for shot ${s.name}`}
                  value={renaming.name}
                  autoFocus
                  maxLength={120}
                  onChange={(e) => setRenaming({ id: s.id, name: e.target.value })}
                  onKeyDown={(e) => e.key === 'Escape' && setRenaming(null)}
                />
                <button type="submit" disabled={renaming.name.trim() === ''} title={renaming.name.trim() === '' ? 'Type the new name first.' : undefined}>
                  Save
                </button>
              </form>
            ) : (
              <div className="row">
                <span className="shot-name">
                  {s.position}. {s.name}
                </span>
                {mayMove && (
                <>
                <button type="button" className="ghost small" aria-label={`Move shot ${s.name} up`} disabled={i === 0} title={i === 0 ? 'Already the first shot.' : undefined} onClick={() => void moveShot(s.id, s.position - 1).catch(fail)}>
                  ↑
                </button>
                <button type="button" className="ghost small" aria-label={`Move shot ${s.name} down`} disabled={i === list.length - 1} title={i === list.length - 1 ? 'Already the last shot.' : undefined} onClick={() => void moveShot(s.id, s.position + 1).catch(fail)}>
                  ↓
                </button>
                </>
                )}
                {mayRename && (
                <button type="button" className="ghost small" aria-label={`Rename shot ${s.name}`} onClick={() => setRenaming({ id: s.id, name: s.name })}>
                  Rename
                </button>
                )}
                {mayDelete && (
                <button type="button" className="ghost small danger-text" aria-label={`Delete shot ${s.name}`} onClick={() => setDeleting(s)}>
                  Delete
                </button>
                )}
              </div>
            )}
          </li>
        ))}
      </ol>
      {deleting && (
        <ConfirmDialog
          title={`Delete shot “${deleting.name}”?`}
          body="The shot leaves the sequence and the board; the shots after it move up. Its takes and the credits they cost stay in the ledger."
          confirmLabel="Delete shot"
          isDanger
          onConfirm={() => {
            const s = deleting;
            setDeleting(null);
            deleteShot(s.id).then(() => notify('info', `Deleted shot “${s.name}”.`), fail);
          }}
          onCancel={() => setDeleting(null)}
        />
      )}
    </section>
  );
}
