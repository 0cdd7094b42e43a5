// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithStore } from '../../../test/support/renderApp';
import { ExportDialog } from './ExportDialog';

afterEach(cleanup);

const PROJECT = 'prj_0000000000001';
const files = ['01-shot-1_take-3.mp4', 'sequence.mp4', 'manifest.json'];

function setup(role: 'owner' | 'producer', dir: string, over: { mediaDoor?: 'electron' | 'host'; saveExport?: () => { dir: string | null; files: string[] } } = {}) {
  return renderWithStore(
    <ExportDialog onClose={() => undefined} />,
    {
      'export.check': async () => ({ dir, isNew: true, files, clashes: [] }),
      'export.run': async () => ({
        dir,
        manifestFile: `${dir}/manifest.json`,
        manifest: { projectName: 'Harbour' } as never,
        takes: [{ shotPosition: 1, takeId: 'tk_0000000000003', file: files[0]!, sha256: 'a'.repeat(64) }],
        sequenceFile: 'sequence.mp4',
        creditsSpent: 10,
      }),
      ...(over.saveExport ? { 'system.saveExport': over.saveExport } : {}),
    },
    { role, boardProjectId: PROJECT, ...(over.mediaDoor ? { mediaDoor: over.mediaDoor } : {}) },
  );
}

describe('ExportDialog', () => {
  it('lets a studio member export by name and download the files the studio kept', async () => {
    const { transport, store } = setup('producer', '/srv/studio/exports/Harbour cut');
    expect(screen.queryByText('Export folder (full path)')).toBeNull();
    fireEvent.change(screen.getByLabelText('Export name'), { target: { value: 'Harbour cut' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check name' }));
    // The check names the export, not the server's folder.
    const where = await screen.findByRole('region', { name: 'Where the export writes' });
    expect(where.textContent).toContain('Creates Harbour cut');
    expect(where.textContent).not.toContain('/srv/studio');
    fireEvent.click(screen.getByRole('button', { name: 'Export 3 files' }));
    const download = await screen.findByRole('list', { name: 'Download' });
    // The name goes to export.run (the server's own folder would be refused as a path).
    expect(transport.callsOf('export.run')).toEqual([expect.objectContaining({ projectId: PROJECT, toDir: 'Harbour cut' })]);
    expect(within(download).getAllByRole('link').map((a) => a.getAttribute('href'))).toEqual(files.map((f) => `/exports/Harbour%20cut/${encodeURIComponent(f)}`));
    // Each file is named once: the download list, not a second plain list beside it.
    expect(screen.queryByRole('list', { name: 'Exported files' })).toBeNull();
    // The notice names the export, never the server's folder (on a bucket studio that folder is gone).
    expect(store.getState().notices.map((n) => n.text)).toEqual(['Exported 1 final as "Harbour cut".']);
  });

  it('lets the owner export into a folder on this machine by its full path, with no download links', async () => {
    const { transport, store } = setup('owner', '/home/me/Exports/Harbour');
    fireEvent.change(screen.getByLabelText('Export folder (full path)'), { target: { value: '/home/me/Exports/Harbour' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check folder' }));
    expect((await screen.findByRole('region', { name: 'Where the export writes' })).textContent).toContain('Creates /home/me/Exports/Harbour');
    fireEvent.click(screen.getByRole('button', { name: 'Export 3 files' }));
    await waitFor(() => expect(transport.callsOf('export.run')).toEqual([expect.objectContaining({ toDir: '/home/me/Exports/Harbour' })]));
    await screen.findByRole('list', { name: 'Exported files' });
    expect(screen.queryByRole('list', { name: 'Download' })).toBeNull();
    expect(store.getState().notices.map((n) => n.text)).toEqual(['Exported 1 final to /home/me/Exports/Harbour.']);
  });

  it('lets a member in the desktop app save the studio\'s export into a folder on this computer', async () => {
    let answers: { dir: string | null; files: string[] }[] = [{ dir: null, files: [] }, { dir: '/home/pia/Films/Harbour cut', files }];
    const { transport } = setup('producer', '/srv/studio/exports/Harbour cut', {
      mediaDoor: 'electron',
      saveExport: () => {
        const [next, ...rest] = answers;
        answers = rest;
        return next!;
      },
    });
    fireEvent.change(screen.getByLabelText('Export name'), { target: { value: 'Harbour cut' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check name' }));
    await screen.findByRole('region', { name: 'Where the export writes' });
    fireEvent.click(screen.getByRole('button', { name: 'Export 3 files' }));
    // No download links in the app (its page is not the studio's): a copy is saved through the app instead.
    const save = await screen.findByRole('button', { name: 'Save a copy on this computer…' });
    expect(screen.queryByRole('list', { name: 'Download' })).toBeNull();
    // The picker cancelled: nothing said; picked: where the files went.
    fireEvent.click(save);
    await waitFor(() => expect(transport.callsOf('system.saveExport')).toHaveLength(1));
    expect(screen.queryByRole('status')).toBeNull();
    fireEvent.click(save);
    expect((await screen.findByRole('status')).textContent).toBe('Saved 3 files in /home/pia/Films/Harbour cut.');
    expect(transport.callsOf('system.saveExport')).toEqual([
      { name: 'Harbour cut', files },
      { name: 'Harbour cut', files },
    ]);
  });
});
