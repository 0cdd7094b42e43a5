import { createRoot } from 'react-dom/client';
import { createApi, pickTransport } from './api/client';
import { App } from './App';
import { connectEvents, createAppStore, StoreProvider } from './store';
import './styles.css';

const THEME_KEY = 'circletake.theme';
const api = createApi(pickTransport(window));
const savedTheme = localStorage.getItem(THEME_KEY);
const store = createAppStore(savedTheme === 'light' || savedTheme === 'dark' ? { theme: savedTheme } : {}, api);
connectEvents(store, api);
store.subscribe((s, prev) => {
  if (s.theme !== prev.theme) localStorage.setItem(THEME_KEY, s.theme);
});

createRoot(document.getElementById('root')!).render(
  <StoreProvider store={store}>
    <App />
  </StoreProvider>,
);
