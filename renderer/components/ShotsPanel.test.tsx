// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Shot } from '../../shared/contract/shots';
import { renderWithStore } from '../../test/support/renderApp';
import { ShotsPanel } from './ShotsPanel';

afterEach(cleanup);

const shot = (n: number, name: string): Shot => ({ id: `sh_${String(n).padStart(10, '0')}`, projectId: 'prj_0000000001', name, position: n, createdAt: '', updatedAt: '' });

describe('ShotsPanel', () => {
  it('keeps a name typed while the previous shot was still being made', async () => {
    let finish: (s: Shot) => void = () => undefined;
    renderWithStore(<ShotsPanel projectId="prj_0000000001" />, {
      'shots.list': () => [],
      'shots.create': ({ name }) => new Promise<Shot>((resolve) => (finish = () => resolve(shot(1, name)))),
    });
    const input = (await screen.findByLabelText('Shot name')) as HTMLInputElement;
    fireEvent.change(input, { target: { value: 'Opening' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add shot' }));
    // The next name is typed before the first shot comes back.
    fireEvent.change(input, { target: { value: 'Middle' } });
    finish(shot(1, 'Opening'));
    await waitFor(() => expect(screen.getByRole('list', { name: 'Shot list' }).textContent).toContain('Opening'));
    expect(input.value).toBe('Middle');
  });

  it('lets a studio filmmaker add shots, and leaves moving, renaming and deleting them to an admin', async () => {
    renderWithStore(<ShotsPanel projectId="prj_0000000001" />, { 'shots.list': () => [shot(1, 'Opening'), shot(2, 'Middle')] }, { role: 'filmmaker' });
    await waitFor(() => expect(screen.getByRole('list', { name: 'Shot list' }).textContent).toContain('Middle'));
    expect(screen.getByRole('button', { name: 'Add shot' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^(Move|Rename|Delete) shot/ })).toBeNull();
  });

  it('gives the owner every shot control', async () => {
    renderWithStore(<ShotsPanel projectId="prj_0000000001" />, { 'shots.list': () => [shot(1, 'Opening'), shot(2, 'Middle')] });
    await waitFor(() => expect(screen.getByRole('list', { name: 'Shot list' }).textContent).toContain('Middle'));
    for (const name of ['Move shot Middle up', 'Rename shot Middle', 'Delete shot Middle']) expect(screen.getByRole('button', { name })).toBeTruthy();
  });
});
