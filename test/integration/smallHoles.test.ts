import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/createCore';
import type { CallContext } from '../../electron/core/dispatch';
import { testCore } from '../support/core';
import { tempDir } from '../support/tmp';

// Issue 14 item 6: small holes in the contract, each answered in words with nothing written.

const owner: CallContext = { role: 'owner', door: 'host' };
let core: Core;
let cleanup: () => Promise<void>;
const files = tempDir('ct-holes-');

beforeAll(() => {
  ({ core, cleanup } = testCore());
});
afterAll(async () => {
  await cleanup();
  files.cleanup();
});

describe('small holes', () => {
  it('credits.setBudget on a project that does not exist is NOT_FOUND, and sets nothing', async () => {
    const r = await core.dispatch('credits.setBudget', { projectId: 'prj_0000000000ghost', credits: 500 }, owner);
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', details: { field: 'id' } } });
  });

  it('refuses NUL, lone surrogates and bidi overrides in project and shot names, naming the character', async () => {
    const p = await core.projects.create('Clean');
    const cases: [string, string][] = [
      ['a\u0000b', 'U+0000 (NUL)'],
      ['inv\u202Eexe.mp4', 'U+202E (RIGHT-TO-LEFT OVERRIDE'],
      ['x\u2066y', 'U+2066 (LEFT-TO-RIGHT ISOLATE'],
      ['half \uD800', 'U+D800 (a lone surrogate'],
      ['\uDC00tail', 'U+DC00 (a lone surrogate'],
    ];
    for (const [name, said] of cases) {
      for (const [call, input, field] of [
        ['projects.create', { name }, 'name'],
        ['projects.rename', { id: p.id, name }, 'name'],
        ['shots.create', { projectId: p.id, name }, 'name'],
        ['jobs.submit', { params: { provider: 'local', model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'p' }, projectName: name }, 'projectName'],
      ] as const) {
        const r = await core.dispatch(call, input, owner);
        expect(r, `${call} ${JSON.stringify(name)}`).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field } } });
        expect((r as { error: { message: string } }).error.message).toContain(said);
      }
    }
    expect((await core.projects.list()).map((x) => x.name)).toEqual(['Clean']);
    // A real emoji (a surrogate pair) and right-to-left text are names like any other.
    expect(await core.dispatch('projects.create', { name: 'שלום 🎬' }, owner)).toMatchObject({ ok: true });
  });

  it('refuses to import a file that is not a video before any job exists', async () => {
    const png = join(files.dir, 'storyboard.mp4');
    writeFileSync(png, readFileSync(join('resources', 'watermark.png')));
    const jobs = (await core.queue.list()).length;
    const r = await core.dispatch('jobs.submit', { params: { provider: 'import', model: 'imported', sourceFile: png, enteredCredits: 5, artifactClass: 'preview' }, projectName: 'Imports' }, owner);
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'sourceFile' } } });
    expect((r as { error: { message: string } }).error.message).toContain('storyboard.mp4 is not a video');
    expect(await core.queue.list()).toHaveLength(jobs);
    expect(await core.projects.findByName('Imports')).toBeUndefined();
  });
});
