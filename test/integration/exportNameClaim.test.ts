import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { CallContext } from '../../electron/core/dispatch';
import { claimExportName } from '../../electron/core/media/export/exportNames';
import { testCore } from '../support/core';

// A member's named export claims its name in the database before anything is written: while another
// export of that name is being made (here by another studio process, through the same database), the
// call is refused naming who makes it, and writes nothing; once that one is done, the name is free, and
// the call's own claim is given back however it ends.
const t = testCore();
afterAll(() => t.cleanup());
const sam: CallContext = { role: 'producer', door: 'host', author: 'Sam' };

it('refuses an export under a name another member is making, writing nothing, and goes on once it is free', async () => {
  const p = await t.core.projects.create('Names');
  const folder = join(t.dataDir, 'exports', 'Harbour cut');
  const pat = await claimExportName(t.core.engine, { name: 'Harbour cut', member: 'Pat', projectId: p.id });
  const refused = await t.core.dispatch('export.run', { projectId: p.id, toDir: 'Harbour cut' }, sam);
  expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { field: 'toDir', reason: 'making', member: 'Pat' } } });
  expect(existsSync(folder)).toBe(false);
  await pat.release();
  // Free again: the call goes past the claim to the export itself (this project has no finals, so the
  // exporter's own answer), and gives the name back whatever that answer is.
  const next = await t.core.dispatch('export.run', { projectId: p.id, toDir: 'Harbour cut' }, sam);
  expect(next).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'project' } } });
  expect(await t.core.engine.all('SELECT name FROM exports_making')).toEqual([]);
});
