import { afterAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../electron/core/dispatch';
import { hidePath } from '../../electron/core/policy/ownerPaths';
import { testCore } from '../support/core';

// Issue 14 item 5: a producer's (or reviewer's) answers never show absolute paths of the owner's machine.

const t = testCore();
afterAll(() => t.cleanup());
const producer: CallContext = { role: 'producer', door: 'host', author: 'Pat' };
const owner: CallContext = { role: 'owner', door: 'host' };

describe("the owner's paths", () => {
  it('are said relative to the data dir, or by file name, in a producer session; the owner sees them whole', async () => {
    const asOwner = JSON.stringify(await t.core.dispatch('plans.list', {}, owner));
    const asProducer = JSON.stringify(await t.core.dispatch('plans.list', {}, producer));
    expect(asOwner).toMatch(/"\/[^"]*\.yaml"/); // the owner's view names where each plan file is
    expect(asProducer).not.toMatch(/"(\/|[A-Za-z]:\\\\)[^"]*"/);
    expect(asProducer).not.toContain(t.dataDir);
    const p = await t.core.projects.create('Paths');
    const exp = JSON.stringify(await t.core.dispatch('export.run', { projectId: p.id, toDir: 'deliver' }, producer));
    expect(exp).not.toContain(t.dataDir);
  });

  it('hidePath keeps prose and ids, trims the data dir, and names other files by their base name', () => {
    expect(hidePath('/home/o/.config/circletake/exports/x/manifest.json', '/home/o/.config/circletake')).toBe('exports/x/manifest.json');
    expect(hidePath('/home/o/Desktop/brief.png', '/home/o/.config/circletake')).toBe('brief.png');
    expect(hidePath('Could not write /d/exports/x: disk full.', '/d')).toBe('Could not write exports/x: disk full.');
    expect(hidePath('art_0000000001', '/d')).toBe('art_0000000001');
    expect(hidePath('http://127.0.0.1:4000/', '/d')).toBe('http://127.0.0.1:4000/');
  });
});
