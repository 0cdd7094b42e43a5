// @vitest-environment jsdom
import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, expect, it, vi } from 'vitest';
import { renderWithStore } from '../../test/support/renderApp';
import { INFO_MS, Notices } from './Notices';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

it('fades each info a fixed time after it was shown, however many come after it; an error stays', () => {
  vi.useFakeTimers();
  const { store } = renderWithStore(<Notices />, {});
  const texts = () => screen.queryAllByRole('status').map((n) => n.textContent?.replace('×', ''));
  act(() => store.getState().notify('info', 'Finalizing 2 takes at release spec.'));
  act(() => store.getState().notify('error', 'The studio is not answering.'));
  act(() => vi.advanceTimersByTime(INFO_MS - 1000));
  // A later notice (before: it restarted every info's time, so a busy board kept old ones on screen).
  act(() => store.getState().notify('info', 'Exported 1 final as "Harbour cut".'));
  expect(texts()).toEqual(['Finalizing 2 takes at release spec.', 'Exported 1 final as "Harbour cut".']);
  act(() => vi.advanceTimersByTime(1001));
  expect(texts()).toEqual(['Exported 1 final as "Harbour cut".']);
  act(() => vi.advanceTimersByTime(INFO_MS));
  expect(texts()).toEqual([]);
  expect(screen.getByRole('alert').textContent).toContain('The studio is not answering.');
});
