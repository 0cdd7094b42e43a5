import { describe, expect, it } from 'vitest';
import { createApi } from '../api/client';
import { fakeBoard, PROJECT, SHOT, takeFacts } from '../../test/support/fakeBoard';
import { FakeTransport } from '../../test/support/fakeTransport';
import { createBoardSelector } from './boardSelectors';
import { connectEvents, createAppStore } from './index';
import { marksOfTake } from './slices/boardSlice';

function setup(n = 4) {
  const board = fakeBoard(Array.from({ length: n }, (_, i) => takeFacts(i)));
  const transport = new FakeTransport(board.handlers);
  const api = createApi(transport);
  const store = createAppStore({ selectedProjectId: PROJECT.id, authorName: 'Ana' }, api);
  connectEvents(store, api);
  const columns = createBoardSelector();
  const ids = (stage: 'tag' | 'shortlist' | 'autocheck') => columns(store.getState()).columns[stage].map((c) => c.id);
  return { board, transport, store, ids };
}

describe('the board cache', () => {
  it('loads the view into take facts and marks, and derives the columns', async () => {
    const { store, ids } = setup(3);
    await store.getState().loadBoard(PROJECT.id);
    expect(store.getState().isBoardLoaded).toBe(true);
    expect(ids('tag')).toHaveLength(3);
    expect(ids('shortlist')).toEqual([]);
  });

  it('moves a picked take to the shortlist before core answers, and keeps it when core agrees', async () => {
    const { store, board, ids, transport } = setup(3);
    await store.getState().loadBoard(PROJECT.id);
    let release!: () => void;
    board.state.hold = new Promise((r) => (release = r));
    const id = ids('tag')[1]!;
    const p = store.getState().tag([id], 'promising');
    expect(ids('shortlist')).toEqual([id]);
    expect(marksOfTake(store.getState(), id)!.tags).toMatchObject([{ tag: 'promising', author: 'Ana' }]);
    release();
    await p;
    expect(ids('shortlist')).toEqual([id]);
    expect(transport.callsOf('tags.add')).toEqual([{ takeIds: [id], tag: 'promising', author: 'Ana' }]);
  });

  it('puts the previous marks back when core refuses, and reports the refusal', async () => {
    const { store, board, ids } = setup(2);
    await store.getState().loadBoard(PROJECT.id);
    const id = ids('tag')[0]!;
    board.state.refuseNext = 'This take was deleted meanwhile.';
    await expect(store.getState().tag([id], 'promising')).rejects.toThrow('deleted meanwhile');
    expect(ids('shortlist')).toEqual([]);
    expect(marksOfTake(store.getState(), id)!.tags).toEqual([]);
  });

  it('applies board.changed and takes.changed events from other sessions', async () => {
    const { store, transport, ids } = setup(2);
    await store.getState().loadBoard(PROJECT.id);
    const id = ids('tag')[0]!;
    transport.emit('board.changed', {
      projectId: PROJECT.id,
      marks: [{ takeId: id, tags: [{ tag: 'promising', author: 'Ben', isAuto: false, reason: null, at: 5 }], stars: [], override: null, comments: 1, publishedAt: null }],
      rule: null,
    });
    expect(ids('shortlist')).toEqual([id]);
    const t = takeFacts(9, { checkStatus: 'pending', checks: null });
    transport.emit('takes.changed', {
      take: { ...t, checks: null, artifactClass: 'preview', checkStatus: 'pending' },
    });
    expect(ids('autocheck')).toEqual([t.id]);
    // Another project's events change nothing here.
    transport.emit('board.changed', { projectId: 'prj_0000000000othr', marks: [], rule: { mode: 'top', n: 9, percent: 10 } });
    expect(store.getState().rule.n).toBe(3);
  });

  it('refreshes an open comment list when another session comments on that take, and only then', async () => {
    const { store, transport, ids } = setup(2);
    await store.getState().loadBoard(PROJECT.id);
    const [open, closed] = [ids('tag')[0]!, ids('tag')[1]!];
    const list = [{ id: 'cmt_1', takeId: open, author: 'Ben', body: 'warmer', atSec: null, endSec: null, drawing: null, createdAt: 5 }];
    transport.handlers['comments.list'] = ({ takeId }) => (takeId === open ? [...list] : []);
    await store.getState().loadComments(open);
    expect(transport.callsOf('comments.list')).toHaveLength(1);
    list.push({ id: 'cmt_2', takeId: open, author: 'Ben', body: 'and slower', atSec: null, endSec: null, drawing: null, createdAt: 6 });
    const marks = (takeId: string, comments: number) => ({ takeId, tags: [], stars: [], override: null, comments, publishedAt: null });
    transport.emit('board.changed', { projectId: PROJECT.id, marks: [marks(open, 2), marks(closed, 4)], rule: null });
    await expect.poll(() => store.getState().comments[open]?.map((c) => c.body)).toEqual(['warmer', 'and slower']);
    // The closed take's list was never opened: nothing is fetched for it. A count that matches the open list fetches nothing.
    transport.emit('board.changed', { projectId: PROJECT.id, marks: [marks(open, 2), marks(closed, 5)], rule: null });
    expect(transport.callsOf('comments.list')).toEqual([{ takeId: open }, { takeId: open }]);
  });

  it('undoes through core and shows core’s answer', async () => {
    const { store, ids, transport } = setup(2);
    await store.getState().loadBoard(PROJECT.id);
    const id = ids('tag')[0]!;
    await store.getState().tag([id], 'discard');
    expect(await store.getState().undo()).toBe('tag on 1 take');
    expect(transport.callsOf('board.undo')).toEqual([{ projectId: PROJECT.id, author: 'Ana' }]);
  });

  it('returns the same columns object until something that matters changes', async () => {
    const { store } = setup(2);
    await store.getState().loadBoard(PROJECT.id);
    const sel = createBoardSelector();
    const a = sel(store.getState());
    store.getState().notify('info', 'unrelated');
    expect(sel(store.getState())).toBe(a);
    await store.getState().setRule({ mode: 'top', n: 1, percent: 10 });
    expect(sel(store.getState())).not.toBe(a);
  });

  it('loads a board shot by shot, the shot in view first; a change that comes while its shot is on the way wins over the answer', async () => {
    const shots = [0, 1, 2].map((k) => ({ ...SHOT, id: `sht_000000000${k}ab`, name: `S${k}`, position: k + 1 }));
    const board = fakeBoard(
      Array.from({ length: 6 }, (_, i) => takeFacts(i, { shotId: shots[i % 3]!.id })),
      { shots },
    );
    const transport = new FakeTransport(board.handlers);
    const api = createApi(transport);
    const store = createAppStore({ selectedProjectId: PROJECT.id, authorName: 'Ana', shotScope: shots[2]!.id }, api);
    connectEvents(store, api);
    // The second answer (shot 0) is held: the board is already showing shot 2.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const view = board.handlers['board.view']!;
    let n = 0;
    transport.handlers['board.view'] = async (input) => {
      if (++n === 2) await held;
      return view(input);
    };
    const loading = store.getState().loadBoard(PROJECT.id);
    await expect.poll(() => store.getState().isBoardLoaded).toBe(true);
    expect(store.getState().isBoardComplete).toBe(false);
    expect(transport.callsOf('board.view')).toEqual([
      { projectId: PROJECT.id, shotId: shots[2]!.id },
      { projectId: PROJECT.id, shotId: shots[0]!.id },
    ]);
    expect(Object.keys(store.getState().shotTakes)).toEqual([shots[2]!.id]);
    // Another session tags take 0 (shot 0, not here yet): the answer, computed before, does not undo it.
    const t0 = takeFacts(0).id;
    transport.emit('board.changed', { projectId: PROJECT.id, marks: [{ takeId: t0, tags: [{ tag: 'discard', author: 'Ben', isAuto: false, reason: null, at: 5 }], stars: [], override: null, comments: 0, publishedAt: null }], rule: null });
    release();
    await loading;
    expect(store.getState().isBoardComplete).toBe(true);
    expect(transport.callsOf('board.view').map((c) => (c as { shotId: string }).shotId)).toEqual([2, 0, 1].map((k) => shots[k]!.id));
    expect(marksOfTake(store.getState(), t0)!.tags).toMatchObject([{ tag: 'discard', author: 'Ben' }]);
    expect(Object.keys(store.getState().takes)).toHaveLength(6);

    // A tag copies only its shot's marks: the other shots keep their records.
    const before = store.getState().shotMarks;
    await store.getState().tag([takeFacts(1).id], 'promising');
    const after = store.getState().shotMarks;
    expect(after[shots[1]!.id]).not.toBe(before[shots[1]!.id]);
    expect(after[shots[0]!.id]).toBe(before[shots[0]!.id]);
    expect(after[shots[2]!.id]).toBe(before[shots[2]!.id]);
  });
});
