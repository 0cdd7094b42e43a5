import { useEffect } from 'react';
import { ProjectsPanel } from './components/ProjectsPanel';
import { Notices } from './components/Notices';
import { errorText } from './components/errorText';
import { useAppStore } from './store';
import { useSelectedProject, useTheme } from './store/selectors';

export function App() {
  const theme = useTheme();
  const setTheme = useAppStore((s) => s.setTheme);
  const loadProjects = useAppStore((s) => s.loadProjects);
  const notify = useAppStore((s) => s.notify);
  const project = useSelectedProject();

  useEffect(() => {
    loadProjects().catch((e: unknown) => notify('error', errorText(e)));
  }, [loadProjects, notify]);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.title = project ? `${project.name} — Circle Take` : 'Circle Take';
  }, [theme, project]);

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand" aria-label="Circle Take">
          <span className="brand-mark" aria-hidden="true">◯</span> Circle Take
        </span>
        <span className="topbar-project">{project?.name ?? ''}</span>
        <button type="button" className="ghost" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}>
          {theme === 'dark' ? 'Light theme' : 'Dark theme'}
        </button>
      </header>
      <div className="layout">
        <aside className="sidebar">
          <ProjectsPanel />
        </aside>
        <main className="main">
          {project ? (
            <section aria-labelledby="project-title">
              <h1 id="project-title">{project.name}</h1>
              <p className="muted">Created {new Date(project.createdAt).toLocaleString()}</p>
            </section>
          ) : (
            <section className="empty">
              <h1>Draft cheap, check automatically, finalize only the best.</h1>
              <p className="muted">Create or pick a project on the left to open its board.</p>
            </section>
          )}
        </main>
      </div>
      <Notices />
    </div>
  );
}
