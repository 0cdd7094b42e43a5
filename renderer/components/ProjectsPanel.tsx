import { useState, type FormEvent } from 'react';
import type { Project } from '../../shared/contract/projects';
import { useAppStore } from '../store';
import { useProjects, useProjectsLoaded } from '../store/selectors';
import { ConfirmDialog } from './ConfirmDialog';
import { errorText } from './errorText';
import { can } from '../store/access';

/** Projects: create, list, select, rename inline, delete with confirmation. */
export function ProjectsPanel() {
  const projects = useProjects();
  const isOwner = useAppStore((s) => can(s, 'projects.create'));
  const loaded = useProjectsLoaded();
  const selectedId = useAppStore((s) => s.selectedProjectId);
  const { createProject, renameProject, deleteProject, selectProject, notify } = useAppStore((s) => s);
  const [name, setName] = useState('');
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [deleting, setDeleting] = useState<Project | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  // The form locks while a project is being created: a second Enter does not make a second project.
  const [isCreating, setCreating] = useState(false);

  const onCreate = async (e: FormEvent) => {
    e.preventDefault();
    if (isCreating) return;
    setCreating(true);
    try {
      const sent = name;
      const p = await createProject(sent);
      // Clear only what was sent: a name typed while this one was being made stays.
      setName((now) => (now === sent ? '' : now));
      setFormError(null);
      selectProject(p.id);
    } catch (err) {
      setFormError(errorText(err));
    } finally {
      setCreating(false);
    }
  };

  const onRename = async (e: FormEvent) => {
    e.preventDefault();
    if (!renaming) return;
    try {
      await renameProject(renaming.id, renaming.name);
      setRenaming(null);
    } catch (err) {
      notify('error', errorText(err));
    }
  };

  const onDelete = async () => {
    if (!deleting) return;
    const p = deleting;
    setDeleting(null);
    try {
      await deleteProject(p.id);
      notify('info', `Deleted project “${p.name}”.`);
    } catch (err) {
      notify('error', errorText(err));
    }
  };

  return (
    <section className="projects" aria-labelledby="projects-heading">
      <h2 id="projects-heading">Projects</h2>
      {isOwner && (
      <form className="create-project" onSubmit={onCreate} aria-busy={isCreating}>
        <label htmlFor="new-project-name">Project name</label>
        <div className="row">
          <input
            id="new-project-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. Spring spot"
            maxLength={120}
            readOnly={isCreating}
            aria-invalid={formError ? true : undefined}
            aria-describedby={formError ? 'new-project-error' : undefined}
          />
          <button type="submit" className="primary" disabled={name.trim() === '' || isCreating} title={isCreating ? 'Creating the project…' : name.trim() === '' ? 'Type a name first' : undefined}>
            Create project
          </button>
        </div>
        {formError && (
          <p id="new-project-error" className="field-error" role="alert">
            {formError}
          </p>
        )}
      </form>
      )}
      {loaded && projects.length === 0 && <p className="muted">No projects yet. Name one above to start drafting.</p>}
      <ul className="project-list" aria-label="Project list">
        {projects.map((p) => (
          <li key={p.id} className={p.id === selectedId ? 'selected' : undefined}>
            {renaming?.id === p.id ? (
              <form className="row" onSubmit={onRename}>
                <input
                  aria-label={`New name for ${p.name}`}
                  value={renaming.name}
                  autoFocus
                  maxLength={120}
                  onChange={(e) => setRenaming({ id: p.id, name: e.target.value })}
                  onKeyDown={(e) => {
                    if (e.key === 'Escape') setRenaming(null);
                  }}
                />
                <button type="submit" className="primary" disabled={renaming.name.trim() === ''}>
                  Save
                </button>
                <button type="button" onClick={() => setRenaming(null)}>
                  Cancel
                </button>
              </form>
            ) : (
              <div className="row">
                <button
                  type="button"
                  className="project-link"
                  aria-current={p.id === selectedId ? 'true' : undefined}
                  onClick={() => selectProject(p.id)}
                >
                  {p.name}
                </button>
                {isOwner && (
                <>
                <button type="button" className="ghost" aria-label={`Rename ${p.name}`} onClick={() => setRenaming({ id: p.id, name: p.name })}>
                  Rename
                </button>
                <button type="button" className="ghost danger-text" aria-label={`Delete ${p.name}`} onClick={() => setDeleting(p)}>
                  Delete
                </button>
                </>
                )}
              </div>
            )}
          </li>
        ))}
      </ul>
      {deleting && (
        <ConfirmDialog
          title={`Delete project “${deleting.name}”?`}
          body="The project leaves the board and the project list. Credits it spent stay in the ledger history."
          confirmLabel="Delete"
          isDanger
          onConfirm={() => void onDelete()}
          onCancel={() => setDeleting(null)}
        />
      )}
    </section>
  );
}
