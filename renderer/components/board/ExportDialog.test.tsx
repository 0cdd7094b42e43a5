// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithStore } from '../../../test/support/renderApp';
import { ExportDialog } from './ExportDialog';

afterEach(cleanup);

const PROJECT = 'prj_0000000000001';
const files = ['01-shot-1_take-3.mp4', 'sequence.mp4', 'manifest.json'];

function setup(role: 'owner' | 'producer', dir: string) {
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
    },
    { role, boardProjectId: PROJECT },
  );
}

describe('ExportDialog', () => {
  it('lets a studio member export by name and download the files the studio kept', async () => {
    const { transport } = setup('producer', '/srv/studio/exports/Harbour cut');
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
  });

  it('lets the owner export into a folder on this machine by its full path, with no download links', async () => {
    const { transport } = setup('owner', '/home/me/Exports/Harbour');
    fireEvent.change(screen.getByLabelText('Export folder (full path)'), { target: { value: '/home/me/Exports/Harbour' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check folder' }));
    expect((await screen.findByRole('region', { name: 'Where the export writes' })).textContent).toContain('Creates /home/me/Exports/Harbour');
    fireEvent.click(screen.getByRole('button', { name: 'Export 3 files' }));
    await waitFor(() => expect(transport.callsOf('export.run')).toEqual([expect.objectContaining({ toDir: '/home/me/Exports/Harbour' })]));
    await screen.findByRole('list', { name: 'Exported files' });
    expect(screen.queryByRole('list', { name: 'Download' })).toBeNull();
  });
});
