import { createRoot } from 'react-dom/client';
import { createApi, pickTransport } from './api/client';
import { acceptInviteFromLocation } from './api/httpTransport';
import { App } from './App';
import { errorText } from './components/errorText';
import { connectEvents, createAppStore, StoreProvider } from './store';
import './styles.css';

// UI preferences are the only state kept in the browser: theme, reviewer name, auto-advance, and
// (for this tab) the open project.
const THEME_KEY = 'circletake.theme';
const AUTHOR_KEY = 'circletake.author';
const ADVANCE_KEY = 'circletake.autoAdvance';
const PROJECT_KEY = 'circletake.project';
// An invite link (a studio's #invite=…) becomes this tab's member token before anything else asks who we are.
const inviteRefusal = (window as Window & { bridge?: unknown }).bridge ? null : await acceptInviteFromLocation(window.location, window.sessionStorage, window.history);
const api = createApi(pickTransport(window));
const savedTheme = localStorage.getItem(THEME_KEY);
const store = createAppStore(
  {
    ...(savedTheme === 'light' || savedTheme === 'dark' ? { theme: savedTheme } : {}),
    authorName: localStorage.getItem(AUTHOR_KEY) ?? '',
    isAutoAdvance: localStorage.getItem(ADVANCE_KEY) !== 'false',
    selectedProjectId: sessionStorage.getItem(PROJECT_KEY),
  },
  api,
);
connectEvents(store, api);
// Who this page is; a relay whose studio cannot be reached yet says so, and the notice goes once it answers.
let roleTrouble = '';
const askRole = () =>
  api.role().then(
    (role) => {
      for (const n of store.getState().notices) if (n.text === roleTrouble) store.getState().dismissNotice(n.id);
      store.getState().setRole(role);
      // Who this member is (a filmmaker acts on its own jobs only); the machine's owner has no member id.
      void store.getState().loadConnection().catch((e: unknown) => console.warn('circletake: could not read the connection', e));
    },
    (e: unknown) => store.getState().notify('error', (roleTrouble = errorText(e))),
  );
void askRole();
// A studio that could not be reached when the page opened (serve --studio): once it is back, ask again who we are.
api.on('system.coreStatus', (e) => {
  if (e.state === 'restarted' && store.getState().role === null) void askRole();
});
if (inviteRefusal) store.getState().notify('error', inviteRefusal);
store.subscribe((s, prev) => {
  if (s.theme !== prev.theme) localStorage.setItem(THEME_KEY, s.theme);
  if (s.authorName !== prev.authorName) localStorage.setItem(AUTHOR_KEY, s.authorName);
  if (s.isAutoAdvance !== prev.isAutoAdvance) localStorage.setItem(ADVANCE_KEY, String(s.isAutoAdvance));
  if (s.selectedProjectId !== prev.selectedProjectId) {
    if (s.selectedProjectId) sessionStorage.setItem(PROJECT_KEY, s.selectedProjectId);
    else sessionStorage.removeItem(PROJECT_KEY);
  }
});

// A draft typed in the last moment before the window closes is sent now, not after its debounce.
window.addEventListener('pagehide', () => void store.getState().flushDrafts().catch((e: unknown) => console.warn('circletake: could not keep the draft', e)));

createRoot(document.getElementById('root')!).render(
  <StoreProvider store={store}>
    <App />
  </StoreProvider>,
);
