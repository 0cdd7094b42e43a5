import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createApi } from '../../renderer/api/client';
import { connectEvents, createAppStore, StoreProvider, type AppState } from '../../renderer/store';
import { FakeTransport, type FakeHandlers } from './fakeTransport';

/** jsdom lacks ResizeObserver (the virtualizer measures with it) and scrollTo on elements. */
export function installDomShims(): void {
  const g = globalThis as unknown as { ResizeObserver?: unknown };
  g.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
  Element.prototype.scrollTo ??= function scrollTo() {};
  // jsdom lays nothing out: give board columns a viewport so the virtualizer renders a window.
  if (!Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight')?.get?.name.includes('shim')) {
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
      configurable: true,
      get: function shimClientHeight(this: HTMLElement) {
        return this.classList.contains('column-scroll') ? 800 : 0;
      },
    });
    Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
      configurable: true,
      get: function shimClientWidth(this: HTMLElement) {
        return this.classList.contains('column-scroll') ? 200 : 0;
      },
    });
  }
}

/** Renders UI over a fresh store and a fake transport; returns both for assertions. */
export function renderWithStore(ui: ReactElement, handlers: FakeHandlers, initial: Partial<AppState> = {}) {
  installDomShims();
  const transport = new FakeTransport(handlers);
  const api = createApi(transport);
  const store = createAppStore({ role: 'owner', ...initial }, api);
  connectEvents(store, api);
  const r = render(<StoreProvider store={store}>{ui}</StoreProvider>);
  return { ...r, store, transport };
}
