import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { LocalCore as Core } from '../../electron/core/createCore';
import { testCore } from '../support/core';
import { ScriptedProvider } from '../support/scriptedProvider';
import { tempDir } from '../support/tmp';

// Policy at submit (issue 8): inputs labeled Confidential or Restricted — by the user or from an
// import manifest — are refused unless the project is on the plan's allowlist; the refusal names
// the label and the allowlist, and nothing is written (no job, no project, no ledger entry).

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  const assets = tempDir('ct-policy-assets-');
  const t = testCore({ config: { providerOverrides: [new ScriptedProvider('runway', join(assets.dir, 'none.mp4'), 25)] } });
  cleanups.push(t.cleanup, assets.cleanup);
  await t.core.ledger.purchase({ id: 'buy-policy', surface: 'api', credits: 5000 });
  const image = join(assets.dir, 'storyboard.png');
  writeFileSync(image, Buffer.from('not really a png, but an asset with content'));
  const clip = join(assets.dir, 'delivery', 'hero.mp4');
  mkdirSync(join(assets.dir, 'delivery'));
  writeFileSync(clip, Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(2036, 3)]));
  const owner = { role: 'owner' as const, door: 'electron' as const };
  const call = (name: string, input: unknown) => t.core.dispatch(name, input, owner);
  return { core: t.core, dataDir: t.dataDir, assets: assets.dir, image, clip, call };
}

const submitWith = (promptImage: string, project: { projectId?: string; projectName?: string }) => ({
  params: { provider: 'runway', model: 'gen4.5', durationSec: 5, ratio: '1280:720', prompt: 'the storyboard, animated', promptImage },
  ...project,
});

const counts = async (core: Core) => ({
  jobs: (core.db.conn.prepare('SELECT count(*) AS n FROM jobs').get() as { n: number }).n,
  projects: (await core.projects.list()).length,
  ledger: (await core.ledger.history({ limit: 10_000 })).length,
});

/** A user copy of the active plan with a sensitive-input allowlist, made active. */
async function allowPlan(core: Core, dataDir: string, allowlist: string[]): Promise<void> {
  const active = core.plans.active().plan.plan.name;
  const doc = parse(readFileSync(core.plans.entry('plan', active)!.file, 'utf8')) as { plan: { name: string; default?: boolean }; policy?: unknown };
  doc.plan.name = 'allow-test';
  delete doc.plan.default;
  doc.policy = { sensitive_allowlist: allowlist };
  mkdirSync(join(dataDir, 'plans'), { recursive: true });
  writeFileSync(join(dataDir, 'plans', 'allow-test.yaml'), stringify(doc));
  expect(await core.plans.reload()).toEqual([]);
  await core.plans.activate('allow-test');
}

describe('sensitive inputs at submit', () => {
  it('refuses a Confidential prompt image, naming the label, the plan and its (empty) allowlist, and writes nothing', async () => {
    const { core, image, call } = await setup();
    const p = await core.projects.create('Heist');
    expect(await call('labels.set', { projectId: p.id, file: image, label: 'confidential' })).toMatchObject({ ok: true, value: { label: 'confidential', source: 'user', fileName: 'storyboard.png' } });
    const before = await counts(core);
    const r = await call('jobs.submit', submitWith(image, { projectId: p.id }));
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'POLICY_REFUSED',
        message: expect.stringMatching(/params\.promptImage: storyboard\.png is labeled Confidential, and project "Heist" is not on plan [\w.-]+'s allowlist .*which is empty/),
        details: { field: 'params.promptImage', rule: 'sensitive-input', label: 'confidential', allowlist: [] },
      },
    });
    // The same bytes under another name, in a new project named on the fly: still refused, still nothing written.
    const copy = join(image, '..', 'renamed.png');
    writeFileSync(copy, readFileSync(image));
    expect(await call('jobs.submit', submitWith(copy, { projectName: 'Brand new' }))).toMatchObject({ ok: false, error: { code: 'POLICY_REFUSED' } });
    expect(await counts(core)).toEqual(before);
  });

  it('lets an Internal or unlabeled input through, and an allowlisted project (by name or id) use a Restricted one', async () => {
    const { core, dataDir, image, call } = await setup();
    const p = await core.projects.create('Heist');
    const other = await core.projects.create('Other');
    expect(await call('jobs.submit', submitWith(image, { projectId: p.id }))).toMatchObject({ ok: true });
    await call('labels.set', { projectId: p.id, file: image, label: 'internal' });
    expect(await call('jobs.submit', { ...submitWith(image, { projectId: p.id }), noCache: true })).toMatchObject({ ok: true });
    await call('labels.set', { projectId: p.id, file: image, label: 'restricted' });
    await allowPlan(core, dataDir, ['heist', other.id]);
    expect(await call('jobs.submit', { ...submitWith(image, { projectId: p.id }), noCache: true })).toMatchObject({ ok: true });
    expect(await call('jobs.submit', { ...submitWith(image, { projectId: other.id }), noCache: true })).toMatchObject({ ok: true });
    const third = await core.projects.create('Third');
    const r = await call('jobs.submit', { ...submitWith(image, { projectId: third.id }), noCache: true });
    expect(r).toMatchObject({ ok: false, error: { code: 'POLICY_REFUSED', message: expect.stringContaining(`is labeled Restricted, and project "Third" is not on plan allow-test's allowlist`), details: { allowlist: ['heist', other.id] } } });
    expect((r as { error: { message: string } }).error.message).toContain(`which lists "heist", "${other.id}"`);
  });

  it('reads labels from an import manifest and refuses the imported clip they cover', async () => {
    const { core, assets, clip, call } = await setup();
    const p = await core.projects.create('Delivery');
    const manifest = join(assets, 'delivery', 'manifest.yaml');
    writeFileSync(manifest, stringify({ label: 'internal', assets: [{ file: 'hero.mp4', label: 'restricted' }] }));
    expect(await call('labels.importManifest', { projectId: p.id, manifestFile: manifest })).toMatchObject({ ok: true, value: [{ label: 'restricted', source: 'manifest', fileName: 'hero.mp4' }] });
    const r = await call('jobs.submit', { params: { provider: 'import', model: 'imported', sourceFile: clip, enteredCredits: 10, artifactClass: 'preview' }, projectId: p.id });
    expect(r).toMatchObject({ ok: false, error: { code: 'POLICY_REFUSED', details: { field: 'params.sourceFile', label: 'restricted' } } });
    // A bad manifest is refused as a whole, saying where.
    writeFileSync(manifest, stringify({ assets: [{ file: 'hero.mp4' }, { file: 'missing.mp4', label: 'public' }] }));
    expect(await call('labels.importManifest', { projectId: p.id, manifestFile: manifest })).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('assets.0.label') } });
    expect(await core.labels.list(p.id)).toHaveLength(1);
  });
});

describe('circletake label', () => {
  it('labels a file and lists it; an unknown label or project exits 2', async () => {
    const { core, image, dataDir } = await setup();
    await core.projects.create('Cli spot');
    const cli = (...a: string[]) => spawnSync(process.execPath, ['bin/circletake.js', 'label', ...a, '--data-dir', dataDir], { encoding: 'utf8', timeout: 60_000 });
    const set = cli(image, '--project', 'Cli spot', '--as', 'confidential', '--json');
    expect(set.status).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject([{ label: 'confidential', fileName: 'storyboard.png' }]);
    const listed = cli('--list', '--project', 'Cli spot');
    expect(listed.stdout).toMatch(/^confidential\s+storyboard\.png/);
    expect(cli(image, '--project', 'Cli spot', '--as', 'secret').status).toBe(2);
    expect(cli('--list', '--project', 'Nope').status).toBe(3);
  });
});
