import { afterEach, describe, expect, it } from 'vitest';
import { testCore } from '../../test/support/core';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function setup() {
  const t = testCore();
  cleanups.push(t.cleanup);
  return t.core;
}

const owner = { role: 'owner', door: 'host' } as const;

describe('dispatch', () => {
  it('answers an unknown call with UNKNOWN_METHOD', async () => {
    const r = await setup().dispatch('ledger.steal', {}, owner);
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('answers a bad field with VALIDATION naming the field', async () => {
    const core = setup();
    const r = await core.dispatch('projects.rename', { id: 'nope', name: 'x' }, owner);
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'id' } } });
    const r2 = await core.dispatch('projects.create', { name: 42 }, owner);
    expect(r2).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { field: 'name' } } });
    const r3 = await core.dispatch('projects.create', { name: 'ok', extra: 1 }, owner);
    expect(r3).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await core.projects.list()).toEqual([]);
  });

  it('refuses calls above the caller role', async () => {
    const core = setup();
    const r = await core.dispatch('projects.create', { name: 'x' }, { role: 'reviewer', door: 'host' });
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const r2 = await core.dispatch('projects.list', {}, { role: 'reviewer', door: 'host' });
    expect(r2).toMatchObject({ ok: true, value: [] });
  });

  it('turns a thrown AppError into its payload, never throwing', async () => {
    const core = setup();
    await core.dispatch('projects.create', { name: 'Same' }, owner);
    const r = await core.dispatch('projects.create', { name: 'same' }, owner);
    expect(r).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { field: 'name' } } });
  });

  it('reports the door and database version', async () => {
    const r = await setup().dispatch('system.info', {}, { role: 'owner', door: 'cli' });
    expect(r).toMatchObject({ ok: true, value: { door: 'cli', dbVersion: expect.any(Number) } });
  });
});
