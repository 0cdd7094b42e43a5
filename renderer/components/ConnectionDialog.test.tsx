// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Connection } from '../../shared/contract/system';
import { AppError } from '../../shared/errors';
import { renderWithStore } from '../../test/support/renderApp';
import { ConnectionButton } from './ConnectionDialog';

afterEach(cleanup);

const local: Connection = { mode: 'local', studio: null, member: null, canSwitch: true };

describe('Where you work (the top bar and its dialog)', () => {
  it('only says where the page works when it cannot switch (a browser host, a studio\'s page)', async () => {
    renderWithStore(<ConnectionButton />, { 'system.connection': () => ({ ...local, canSwitch: false }) });
    expect(await screen.findByText('Local')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Where you work/ })).toBeNull();
  });

  it('connects with the address and the invite as typed, and reloads the window from the studio', async () => {
    const reload = vi.fn();
    vi.stubGlobal('location', { ...window.location, reload });
    try {
      const { transport } = renderWithStore(<ConnectionButton />, {
        'system.connection': () => local,
        'system.connect': (req) => ({ mode: 'studio', studio: 'https://studio.example.com', member: { id: 'mem_ana', name: 'Ana', role: 'filmmaker' }, canSwitch: req.mode === 'studio' }),
      });
      fireEvent.click(await screen.findByRole('button', { name: 'Where you work: Local' }));
      const connect = screen.getByRole('button', { name: 'Connect' }) as HTMLButtonElement;
      expect(connect.disabled).toBe(true);
      fireEvent.change(screen.getByLabelText('Studio address'), { target: { value: 'https://studio.example.com' } });
      fireEvent.change(screen.getByLabelText('Invite'), { target: { value: 'https://studio.example.com/#invite=cti_' + 'a'.repeat(64) } });
      expect(connect.disabled).toBe(false);
      expect(screen.queryByRole('button', { name: 'Work locally' })).toBeNull();
      fireEvent.click(connect);
      await waitFor(() => expect(reload).toHaveBeenCalledTimes(1));
      expect(transport.callsOf('system.connect')).toEqual([{ mode: 'studio', url: 'https://studio.example.com', invite: 'https://studio.example.com/#invite=cti_' + 'a'.repeat(64) }]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('keeps what was typed and marks the field the error names; on a studio it offers Work locally', async () => {
    renderWithStore(<ConnectionButton />, {
      'system.connection': () => ({ mode: 'studio', studio: 'https://studio.example.com', member: { id: 'mem_ana', name: 'Ana', role: 'filmmaker' }, canSwitch: true }),
      'system.connect': () => {
        throw new AppError('CONFLICT', 'This invite was already accepted; an invite works once.', { field: 'invite' });
      },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Where you work: Studio · studio.example.com — Ana (filmmaker)' }));
    expect(screen.getByText(/Connected to the studio at https:\/\/studio.example.com as Ana \(filmmaker\)/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Work locally' })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Studio address'), { target: { value: 'https://other.example.com' } });
    fireEvent.change(screen.getByLabelText('Invite'), { target: { value: 'cti_' + 'b'.repeat(64) } });
    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    expect((await screen.findByRole('alert')).textContent).toContain('already accepted');
    expect(screen.getByLabelText('Invite').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText('Studio address').getAttribute('aria-invalid')).toBe('false');
    expect((screen.getByLabelText('Invite') as HTMLTextAreaElement).value).toBe('cti_' + 'b'.repeat(64));
  });
});
