import { DEFAULT_SHORTLIST_RULE, type BoardMarks, type BoardView, type ShortlistRule, type TakeFacts } from '../../shared/contract/board';
import type { Job } from '../../shared/contract/jobs';
import type { Project } from '../../shared/contract/projects';
import type { Shot } from '../../shared/contract/shots';
import { deriveShot, draftsOf, emptyMarks, isActiveJob, releasesOf } from '../../shared/board/derive';
import { AppError } from '../../shared/errors';
import type { FakeHandlers } from './fakeTransport';

export const PROJECT: Project = { id: 'prj_0000000000test', name: 'Spot', createdAt: '2026-11-22T10:00:00.000Z', updatedAt: '2026-11-22T10:00:00.000Z' };
export const SHOT: Shot = { id: 'sht_0000000000open', projectId: PROJECT.id, name: 'Open', position: 1, createdAt: PROJECT.createdAt, updatedAt: PROJECT.createdAt };

export function takeFacts(i: number, over: Partial<TakeFacts> = {}): TakeFacts {
  return {
    id: `tk_${String(i).padStart(12, '0')}`,
    jobId: 'job_000000000001',
    projectId: PROJECT.id,
    shotId: SHOT.id,
    n: i,
    artifactClass: 'preview',
    artifactId: null,
    sourceTakeId: null,
    model: 'gen4_turbo',
    durationSec: 5,
    width: 1280,
    height: 720,
    credits: 25,
    checkStatus: 'passed',
    checks: [{ name: 'decode', ok: true }],
    createdAt: 1_000 + i,
    ...over,
  };
}

/**
 * The board's calls answered in memory the way core answers them (same shared derivation), with a
 * per-author undo stack; `delayTags` holds tag answers until released, to see optimistic moves.
 */
export function fakeBoard(takes: TakeFacts[], opts: { jobs?: Job[]; shots?: Shot[] } = {}) {
  const marks = new Map<string, BoardMarks>();
  let rule: ShortlistRule = DEFAULT_SHORTLIST_RULE;
  const undo: { author: string; before: BoardMarks[] }[] = [];
  const shots = opts.shots ?? [SHOT];
  const state = { refuseNext: null as string | null, hold: null as Promise<void> | null };
  const marksOf = (id: string) => marks.get(id) ?? emptyMarks(id);
  const change = (ids: string[]) => ({ projectId: PROJECT.id, marks: ids.map(marksOf), rule: null });
  const refuse = () => {
    if (state.refuseNext) {
      const m = state.refuseNext;
      state.refuseNext = null;
      throw new AppError('CONFLICT', m);
    }
  };
  const view = (shotId?: string): BoardView => {
    const jobs = opts.jobs ?? [];
    const rel = releasesOf(jobs, takes);
    return {
      projectId: PROJECT.id,
      rule,
      shots: shots.filter((s) => shotId === undefined || s.id === shotId).map((shot) => ({
        shot,
        takes: deriveShot(
          takes.filter((t) => t.shotId === shot.id),
          marksOf,
          (id) => rel.get(id) ?? null,
          rule,
        ),
        drafts: draftsOf(jobs).filter((d) => d.shotId === shot.id),
      })),
      activeJobs: jobs.filter(isActiveJob),
    };
  };
  const handlers: FakeHandlers = {
    'projects.list': () => [PROJECT],
    'shots.list': () => shots,
    'board.view': ({ shotId }) => view(shotId),
    'tags.add': async ({ takeIds, tag, author }) => {
      if (state.hold) await state.hold;
      refuse();
      const who = author ?? 'owner';
      undo.push({ author: who, before: takeIds.map(marksOf) });
      for (const id of takeIds) {
        const m = marksOf(id);
        marks.set(id, { ...m, tags: [...m.tags.filter((t) => t.author !== who), { tag, author: who, isAuto: false, reason: null, at: 1 }] });
      }
      return change(takeIds);
    },
    'tags.remove': ({ takeIds, author }) => {
      const who = author ?? 'owner';
      undo.push({ author: who, before: takeIds.map(marksOf) });
      for (const id of takeIds) marks.set(id, { ...marksOf(id), tags: marksOf(id).tags.filter((t) => t.author !== who) });
      return change(takeIds);
    },
    'stars.set': ({ takeIds, stars, author }) => {
      const who = author ?? 'owner';
      undo.push({ author: who, before: takeIds.map(marksOf) });
      for (const id of takeIds) {
        const m = marksOf(id);
        const others = m.stars.filter((s) => s.author !== who);
        marks.set(id, { ...m, stars: stars === null ? others : [...others, { author: who, stars, at: 1 }] });
      }
      return change(takeIds);
    },
    'comments.list': () => [],
    'shortlist.set': ({ takeIds, override, author }) => {
      undo.push({ author: author ?? 'owner', before: takeIds.map(marksOf) });
      for (const id of takeIds) marks.set(id, { ...marksOf(id), override });
      return change(takeIds);
    },
    'shortlist.auto': ({ rule: r }) => {
      rule = r;
      return { projectId: PROJECT.id, marks: [], rule };
    },
    'board.undo': ({ author }) => {
      const who = author ?? 'owner';
      const i = undo.map((u) => u.author).lastIndexOf(who);
      if (i === -1) return { undone: null, remaining: 0, marks: [], rule: null };
      const [u] = undo.splice(i, 1);
      for (const m of u!.before) marks.set(m.takeId, m);
      return { undone: `tag on ${u!.before.length} take`, remaining: undo.filter((x) => x.author === who).length, marks: u!.before.map((m) => marksOf(m.takeId)), rule: null };
    },
    'jobs.list': () => opts.jobs ?? [],
    'jobs.deadLetters': () => (opts.jobs ?? []).filter((j) => j.status === 'failed'),
    'queue.status': () => ({ isPaused: false, running: 0, concurrency: 2, breakers: [] }),
    'media.thumbnails': () => {
      throw new AppError('NOT_FOUND', 'no thumbnails in this test');
    },
  };
  return { handlers, marks, state, view, takes };
}
