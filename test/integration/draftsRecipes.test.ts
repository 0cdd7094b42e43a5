import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/createCore';
import { systemClock } from '../../electron/core/nodePorts';
import type { BoardView } from '../../shared/contract/board';
import type { Draft, Recipe } from '../../shared/contract/drafts';
import { testCore } from '../support/core';
import { describeWith, ffmpegNeed } from '../support/needs';
import { tempDir } from '../support/tmp';
import { submitRequest } from '../support/parsed';

// Drafts kept by core (sealed prompts, a restart keeps them) and recipes (a take's or a job's
// settings back into the form; a reuse stacks its new take on the source), through the call loop.
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const owner = { role: 'owner' as const, door: 'host' as const };
async function value<T>(core: Core, name: string, input: unknown, ctx: { role: 'owner' | 'producer' | 'reviewer'; door: 'host' } = owner): Promise<T> {
  const r = await core.dispatch(name, input, ctx);
  if (!r.ok) throw Object.assign(new Error(`${name}: ${r.error.code} ${r.error.message}`), { error: r.error });
  return r.value as T;
}

const values = {
  provider: 'local',
  model: 'gen4_turbo',
  prompt: 'a secret lighthouse at dusk',
  negativePrompt: 'fog',
  seed: '42',
  durationSec: 2,
  ratio: '1280:720',
  variations: 2,
  audio: false,
  artifactClass: 'preview',
  outputFormat: null,
  sourceTakeId: null,
} as const;

describe('drafts', () => {
  it('keeps a draft per project and shot across a restart, with the prompt sealed at rest', async () => {
    const dir = tempDir('ct-drafts-');
    cleanups.push(dir.cleanup);
    const a = testCore({ dataDir: dir.dir });
    const project = await a.core.projects.create('Drafts');
    const shot = await a.core.shots.create(project.id, 'Opening');
    await value(a.core, 'drafts.save', { projectId: project.id, shotId: shot.id, values });
    await value(a.core, 'drafts.save', { projectId: project.id, shotId: null, newShotName: 'Ending', values: { ...values, prompt: 'another one' } });
    await a.core.dispose();
    // The database and its WAL never hold the prompt in clear.
    for (const f of readdirSync(dir.dir).filter((n) => n.startsWith('circletake.db'))) expect(readFileSync(join(dir.dir, f)).includes('secret lighthouse')).toBe(false);

    const b = testCore({ dataDir: dir.dir });
    cleanups.push(() => b.core.dispose());
    const list = await value<Draft[]>(b.core, 'drafts.list', { projectId: project.id });
    expect(list.map((d) => [d.shotId, d.newShotName, d.values.prompt])).toEqual([
      [null, 'Ending', 'another one'],
      [shot.id, '', 'a secret lighthouse at dusk'],
    ]);
    expect(list[1]!.values).toEqual(values);
    // A shot deleted since: its draft is left out.
    await b.core.shots.delete(shot.id);
    expect((await value<Draft[]>(b.core, 'drafts.list', { projectId: project.id })).map((d) => d.shotId)).toEqual([null]);
  });

  it('refuses a shot of another project and bad values, naming the field; reviewers may not read drafts', async () => {
    const t = testCore();
    cleanups.push(t.cleanup);
    const p1 = await t.core.projects.create('One');
    const p2 = await t.core.projects.create('Two');
    const other = await t.core.shots.create(p2.id, 'Elsewhere');
    await expect(value(t.core, 'drafts.save', { projectId: p1.id, shotId: other.id, values })).rejects.toMatchObject({ error: { code: 'VALIDATION', details: { field: 'shotId' } } });
    const bad = await t.core.dispatch('drafts.save', { projectId: p1.id, shotId: null, values: { ...values, variations: 99 } }, owner);
    expect(bad.ok ? null : bad.error.message).toMatch(/variations/);
    const asReviewer = await t.core.dispatch('drafts.list', { projectId: p1.id }, { role: 'reviewer', door: 'host' });
    expect(asReviewer.ok).toBe(false);
  });
});

async function settle(core: Core) {
  for (let i = 0; i < 2000; i++) {
    if (!(await core.queue.list()).some((j) => ['queued', 'running', 'paused'].includes(j.status))) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await core.queue.idle();
  await core.takeChecks.idle();
}

describeWith(ffmpegNeed, 'recipes and version stacks', () => {
  it('Reuse gives the take’s own seed and settings; the new take stacks on it and is numbered next in the shot', async () => {
    const t = testCore({ clock: systemClock, config: { pollIntervalMs: { local: 20 } } });
    cleanups.push(t.cleanup);
    const { core } = t;
    await core.queue.start();
    const params = { provider: 'local' as const, model: 'gen4_turbo', durationSec: 2, ratio: '1280:720', prompt: 'a kite over dunes', negativePrompt: 'people', seed: 7, variations: 2 };
    const first = await core.queue.submit(submitRequest({ params, projectName: 'Stacks', shotName: 'Dunes' }));
    await settle(core);
    const [, second] = (await core.takes.byJob(first.jobId)).sort((a, b) => a.n - b.n);

    const recipe = await value<Recipe>(core, 'takes.recipe', { id: second!.id });
    expect(recipe).toMatchObject({ shotId: second!.shotId, values: { model: 'gen4_turbo', prompt: 'a kite over dunes', negativePrompt: 'people', seed: '8', variations: 1, durationSec: 2, sourceTakeId: second!.id } });
    const job = await value<Recipe>(core, 'jobs.recipe', { id: first.jobId });
    expect(job.values).toMatchObject({ seed: '7', variations: 2, sourceTakeId: null });

    // The reuse, changed a little: a new job stacked on its source.
    const reused = await core.queue.submit(submitRequest({ params: { ...params, variations: 1, seed: 8, prompt: 'a kite over dunes, closer' }, projectId: recipe.projectId, shotId: recipe.shotId, sourceTakeId: second!.id }));
    await settle(core);
    const [made] = await core.takes.byJob(reused.jobId);
    expect(made).toMatchObject({ artifactClass: 'preview', sourceTakeId: second!.id });

    const view = await value<BoardView>(core, 'board.view', { projectId: recipe.projectId });
    const cards = view.shots[0]!.takes;
    const byId = new Map(cards.map((c) => [c.id, c]));
    expect(cards.map((c) => c.number).sort()).toEqual([1, 2, 3]);
    // Numbered in the order the takes arrived (the first job's two, then the reuse), stacked on its source.
    const secondNumber = byId.get(second!.id)!.number;
    expect([1, 2]).toContain(secondNumber);
    expect(byId.get(made!.id)).toMatchObject({ number: 3, sourceNumber: secondNumber });

    // A take from another project is not a source.
    const elsewhere = await core.projects.create('Elsewhere');
    await expect(core.queue.submit(submitRequest({ params: { ...params, seed: 99 }, projectId: elsewhere.id, shotName: 'X', sourceTakeId: second!.id }))).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'sourceTakeId' } });
  });
});
