import { describe, expect, it } from 'vitest';
import { TakeCard, TakeFacts, type BoardMarks, type ShortlistRule, type TagMark } from '../contract/board';
import type { Take } from '../contract/takes';
import type { Job } from '../contract/jobs';
import { cachedMarks, columnsOf, createDeriveCache, cutSize, deriveShot, draftsOf, emptyMarks, releasesOf, shortlistOf } from './derive';
import { factsOf, toFacts } from './facts';
import { score } from './score';

let seq = 0;
function take(over: Partial<TakeFacts> = {}): TakeFacts {
  seq++;
  return {
    id: `tk_${String(seq).padStart(12, '0')}`,
    jobId: 'job_000000000001',
    projectId: 'prj_000000000001',
    shotId: 'sht_000000000001',
    n: 0,
    artifactClass: 'preview',
    artifactId: null,
    sourceTakeId: null,
    model: 'gen4_turbo',
    durationSec: 5,
    width: 1280,
    height: 720,
    credits: 25,
    checkStatus: 'passed',
    checks: [],
    createdAt: 1000 + seq,
    ...over,
  };
}
const mark = (tag: TagMark['tag'], author = 'ana', isAuto = false): TagMark => ({ tag, author, isAuto, reason: null, at: 1 });
const rule = (r: Partial<ShortlistRule> = {}): ShortlistRule => ({ mode: 'top', n: 2, percent: 10, ...r });
function marksFrom(m: Record<string, Partial<BoardMarks>>) {
  return (id: string): BoardMarks => ({ ...emptyMarks(id), ...(m[id] ?? {}) });
}

describe('score', () => {
  it('rises with picks and checks, falls with needs-fix, discards and failed checks', () => {
    const base = { tags: [] as TagMark[], checkStatus: 'passed' as const, checks: [] };
    expect(score(base)).toBe(2);
    expect(score({ ...base, tags: [mark('promising'), mark('promising', 'ben')] })).toBe(22);
    expect(score({ ...base, tags: [mark('promising'), mark('discard', 'ben')] })).toBe(-3);
    expect(score({ ...base, tags: [mark('needs-fix', 'auto-check', true)] })).toBe(-2);
    const failed = { ...base, checkStatus: 'failed' as const, checks: [{ name: 'black' as const, ok: false }, { name: 'freeze' as const, ok: false }, { name: 'decode' as const, ok: true }] };
    expect(score(failed)).toBe(-4);
  });
});

describe('shortlistOf', () => {
  it('keeps the top N picked takes per shot, ties to the older take', () => {
    const [a, b, c, d] = [take(), take(), take(), take()];
    const marks = marksFrom({
      [a!.id]: { tags: [mark('promising')] },
      [b!.id]: { tags: [mark('promising'), mark('promising', 'ben')] },
      [c!.id]: { tags: [mark('promising')] },
      [d!.id]: { tags: [] },
    });
    expect([...shortlistOf([a!, b!, c!, d!], marks, rule({ n: 2 }))].sort()).toEqual([a!.id, b!.id].sort());
    expect(shortlistOf([a!, b!, c!, d!], marks, rule({ n: 1 }))).toEqual(new Set([b!.id]));
  });

  it('cuts at the top percent of checked previews, at least one', () => {
    expect(cutSize(rule({ mode: 'percent', percent: 10 }), 25)).toBe(3);
    expect(cutSize(rule({ mode: 'percent', percent: 10 }), 3)).toBe(1);
    expect(cutSize(rule({ mode: 'percent', percent: 50 }), 0)).toBe(1);
    const takes = Array.from({ length: 20 }, () => take());
    const marks = marksFrom(Object.fromEntries(takes.map((t) => [t.id, { tags: [mark('promising')] }])));
    expect(shortlistOf(takes, marks, rule({ mode: 'percent', percent: 10 })).size).toBe(2);
  });

  it('needs a pick and a positive score; unchecked and release takes never count', () => {
    const unpicked = take();
    const discarded = take();
    const pending = take({ checkStatus: 'pending' });
    const release = take({ artifactClass: 'release' });
    const marks = marksFrom({
      [discarded.id]: { tags: [mark('promising'), mark('discard', 'ben')] },
      [pending.id]: { tags: [mark('promising')] },
      [release.id]: { tags: [mark('promising')] },
    });
    expect(shortlistOf([unpicked, discarded, pending, release], marks, rule({ n: 5 })).size).toBe(0);
  });

  it('applies manual overrides in and out on top of the cut', () => {
    const [a, b, c] = [take(), take(), take()];
    const marks = marksFrom({
      [a!.id]: { tags: [mark('promising')], override: 'out' },
      [b!.id]: { tags: [mark('promising')] },
      [c!.id]: { tags: [mark('discard')], override: 'in' },
    });
    expect(shortlistOf([a!, b!, c!], marks, rule({ n: 1 }))).toEqual(new Set([b!.id, c!.id]));
  });
});

describe('deriveShot and columnsOf', () => {
  it('puts each take in its stage and orders the Tag column as an inbox', () => {
    const pending = take({ checkStatus: 'pending' });
    const fresh1 = take();
    const fresh2 = take();
    const picked = take();
    const rejected = take();
    const finalized = take();
    const published = take();
    const releaseOfFinal = take({ artifactClass: 'release', sourceTakeId: finalized.id, jobId: 'job_000000000009' });
    const marks = marksFrom({
      [picked.id]: { tags: [mark('promising')] },
      [rejected.id]: { tags: [mark('discard')] },
      [finalized.id]: { tags: [mark('promising')] },
      [published.id]: { publishedAt: 5 },
    });
    const all = [pending, fresh1, fresh2, picked, rejected, finalized, published, releaseOfFinal];
    const releases = releasesOf([], all);
    const cards = deriveShot(all, marks, (id) => releases.get(id) ?? null, rule({ n: 3 }));
    expect(cards.map((c) => c.id)).not.toContain(releaseOfFinal.id);
    const cols = columnsOf(cards);
    expect(cols.autocheck.map((c) => c.id)).toEqual([pending.id]);
    expect(cols.shortlist.map((c) => c.id)).toEqual([picked.id]);
    expect(cols.tag.map((c) => c.id)).toEqual([fresh1.id, fresh2.id, rejected.id]);
    expect(cols.finalize.map((c) => c.id)).toEqual([finalized.id]);
    expect(cols.finalize[0]!.release).toMatchObject({ takeId: releaseOfFinal.id, status: 'succeeded' });
    expect(cols.finalize[0]!.isShortlisted).toBe(true);
    expect(cols.published.map((c) => c.id)).toEqual([published.id]);
  });

  it('shows an active release job as finalize with its progress, and a failed one back in the shortlist', () => {
    const t = take();
    const marks = marksFrom({ [t.id]: { tags: [mark('promising')] } });
    const running = job({ artifactClass: 'release', sourceTakeId: t.id, status: 'running', tasks: [task({ progress: 0.5, status: 'submitted' })] });
    let rel = releasesOf([running], [t]);
    let [card] = deriveShot([t], marks, (id) => rel.get(id) ?? null, rule());
    expect(card!.stage).toBe('finalize');
    expect(card!.release?.progress).toBe(0.5);
    rel = releasesOf([{ ...running, status: 'failed' }], [t]);
    [card] = deriveShot([t], marks, (id) => rel.get(id) ?? null, rule());
    expect(card!.stage).toBe('shortlist');
    expect(card!.release?.status).toBe('failed');
  });
});

describe('version stacks', () => {
  it('numbers a shot’s takes 1, 2, 3… in the order they were made, whatever the model, and stacks a reuse on its source', () => {
    const a = take({ model: 'gen4.5', createdAt: 10, n: 0 });
    const b = take({ model: 'gen4_turbo', createdAt: 20, n: 0 });
    const c = take({ model: 'gen4.5', createdAt: 10, n: 1, jobId: a.jobId });
    const reuse = take({ model: 'gen4_turbo', createdAt: 30, sourceTakeId: b.id });
    const release = take({ artifactClass: 'release', createdAt: 40, sourceTakeId: a.id });
    const cards = deriveShot([reuse, release, b, c, a], marksFrom({}), () => null, rule());
    const byId = new Map(cards.map((k) => [k.id, k]));
    expect([a, c, b, reuse].map((t) => byId.get(t.id)!.number)).toEqual([1, 2, 3, 4]);
    expect(byId.get(reuse.id)!.sourceNumber).toBe(3);
    expect(byId.get(a.id)!.sourceNumber).toBeNull();
    // The release re-render is folded into its source and takes no number.
    expect(byId.has(release.id)).toBe(false);
  });

  it('re-numbers when a take arrives, and the cache does not keep a stale number', () => {
    const cache = createDeriveCache();
    const a = take({ createdAt: 10 });
    const b = take({ createdAt: 20 });
    const marksOf = (id: string) => cachedMarks({}, id);
    const first = deriveShot([b], marksOf, () => null, rule(), cache);
    expect(first[0]!.number).toBe(1);
    expect(deriveShot([b], marksOf, () => null, rule(), cache)[0]).toBe(first[0]);
    const second = deriveShot([a, b], marksOf, () => null, rule(), cache);
    expect(second.find((k) => k.id === b.id)!.number).toBe(2);
  });
});

describe('draftsOf', () => {
  it('lists the variations of active preview jobs that have no take yet', () => {
    const j = job({ variations: 3, estimatedCredits: 30, tasks: [task({ n: 0, takeId: 'tk_000000000077', status: 'succeeded' }), task({ n: 1, progress: 0.3, status: 'submitted' }), task({ n: 2 })] });
    const drafts = draftsOf([j, job({ status: 'succeeded' }), job({ artifactClass: 'release' })]);
    expect(drafts.map((d) => [d.n, d.progress, d.credits])).toEqual([[1, 0.3, 10], [2, null, 10]]);
    expect(draftsOf([job({ variations: 2, tasks: [] })]).map((d) => d.n)).toEqual([0, 1]);
  });

  it('marks a variation the provider holds back as throttled (waiting), not rendering', () => {
    const j = job({ status: 'running', variations: 2, tasks: [task({ n: 0, status: 'submitted', providerStatus: 'THROTTLED', progress: 0 }), task({ n: 1, status: 'submitted', providerStatus: 'RUNNING', progress: 0.4 })] });
    expect(draftsOf([j]).map((d) => [d.n, d.isThrottled])).toEqual([[0, true], [1, false]]);
  });
});

function task(over: Partial<Job['tasks'][number]> = {}): Job['tasks'][number] {
  return { n: 0, status: 'pending', providerTaskId: null, providerStatus: null, progress: null, costCredits: null, failureCode: null, failure: null, takeId: null, ...over };
}
function job(over: Partial<Job> = {}): Job {
  return {
    id: 'job_000000000002',
    projectId: 'prj_000000000001',
    shotId: 'sht_000000000001',
    provider: 'local',
    model: 'gen4_turbo',
    artifactClass: 'preview',
    variations: 1,
    durationSec: 5,
    ratio: '1280:720',
    paramsHash: 'h',
    status: 'running',
    isCancelRequested: false,
    priority: 0,
    attempts: 1,
    maxAttempts: 3,
    nextAttemptAt: 0,
    estimatedCredits: 10,
    reservedCredits: 10,
    capturedCredits: null,
    creditsSaved: 0,
    creditsBefore: null,
    creditsAfter: null,
    cacheOfJobId: null,
    sourceTakeId: null,
    errorCode: null,
    errorMessage: null,
    submittedBy: null,
    createdAt: 1,
    startedAt: null,
    finishedAt: null,
    tasks: [task()],
    ...over,
  };
}

describe('the derive cache', () => {
  it('gives the same cards as no cache, and reuses the cards whose inputs did not change', () => {
    const takes = Array.from({ length: 30 }, () => take());
    const marks: Record<string, BoardMarks> = {};
    const cache = createDeriveCache();
    const r = rule({ mode: 'top', n: 2 });
    const run = (c?: ReturnType<typeof createDeriveCache>) => deriveShot(takes, (id) => (c ? cachedMarks(marks, id) : (marks[id] ?? emptyMarks(id))), () => null, r, c);
    const first = run(cache);
    expect(first).toEqual(run());
    marks[takes[3]!.id] = { ...emptyMarks(takes[3]!.id), tags: [mark('promising')] };
    const second = run(cache);
    expect(second).toEqual(run());
    expect(second[3]!.stage).toBe('shortlist');
    expect(second[3]).not.toBe(first[3]);
    expect(second[4]).toBe(first[4]);
    // A pick that pushes another take out of the cut changes that take's card too.
    marks[takes[5]!.id] = { ...emptyMarks(takes[5]!.id), tags: [mark('promising'), mark('promising', 'ben')] };
    marks[takes[7]!.id] = { ...emptyMarks(takes[7]!.id), tags: [mark('promising'), mark('promising', 'ben')] };
    const third = run(cache);
    expect(third).toEqual(run());
    expect(third[3]!.stage).toBe('tag');
  });
});

describe('one take shape from take to card', () => {
  it('a card is the facts plus what the board derived: every field of the contract, nothing else', () => {
    const t = take({ checks: [{ name: 'black', ok: false, detail: 'black: 82 % of frames' }] });
    const [card] = deriveShot([t], marksFrom({ [t.id]: { tags: [mark('promising')] } }), () => null, rule());
    // A field the card builder forgot, or one it added, fails the contract's strict parse.
    expect(TakeCard.strict().parse(card)).toEqual(card);
    expect(factsOf(card!)).toEqual(t);
    expect(Object.keys(factsOf(card!))).toEqual(Object.keys(TakeFacts.shape));
  });

  it('facts of a stored take keep a check detail only where the check failed', () => {
    const stored: Take = {
      ...take(),
      checks: [
        { name: 'decode', ok: true, value: 0, detail: 'decode ok' },
        { name: 'black', ok: false, value: 82, detail: 'black: 82 % of frames' },
      ],
    };
    const facts = toFacts(stored);
    expect(facts.checks).toEqual([
      { name: 'decode', ok: true },
      { name: 'black', ok: false, detail: 'black: 82 % of frames' },
    ]);
    expect({ ...facts, checks: stored.checks }).toEqual(stored);
    expect(toFacts({ ...stored, checks: null }).checks).toBeNull();
  });
});
