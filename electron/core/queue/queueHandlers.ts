import type { Core } from '../createCore';
import type { Handlers } from '../dispatch';

type QueueCalls =
  | 'jobs.submit' | 'jobs.lookup' | 'jobs.list' | 'jobs.get' | 'jobs.cancel' | 'jobs.pause' | 'jobs.resume' | 'jobs.setPriority' | 'jobs.moveBefore'
  | 'jobs.deadLetters' | 'jobs.retry' | 'jobs.discard' | 'jobs.resolveUnknown' | 'queue.status' | 'queue.pause' | 'queue.resume'
  | 'takes.list' | 'takes.get' | 'takes.files' | 'finalize.plan' | 'finalize.run';

/** The queue's and takes' contract entries: thin calls into JobQueue and TakeService. */
export function queueHandlers(core: Pick<Core, 'queue' | 'takes' | 'finalizer' | 'takePath'>): Pick<Handlers, QueueCalls> {
  const q = core.queue;
  return {
    // A member's submit is theirs (its ledger ops carry the member id); a review session's carries its name.
    'jobs.submit': (input, ctx) => q.submit(ctx.memberId || ctx.author ? { ...input, userId: ctx.memberId ?? ctx.author } : input),
    'jobs.lookup': ({ params }) => q.lookup(params),
    'jobs.list': (f) => q.list({ ...(f.projectId ? { projectId: f.projectId } : {}), ...(f.status ? { status: f.status } : {}), limit: f.limit }),
    'jobs.get': ({ id }) => q.get(id),
    'jobs.cancel': ({ id }) => q.cancel(id),
    'jobs.pause': ({ id }) => q.pauseJob(id),
    'jobs.resume': ({ id }) => q.resumeJob(id),
    'jobs.setPriority': ({ id, priority }) => q.setPriority(id, priority),
    'jobs.moveBefore': ({ id, beforeId }) => q.moveBefore(id, beforeId),
    'jobs.deadLetters': () => q.deadLetters(),
    'jobs.retry': ({ id }) => q.retry(id),
    'jobs.discard': ({ id }) => q.discard(id),
    'jobs.resolveUnknown': ({ id, decision }) => q.resolveUnknown(id, decision),
    'queue.status': () => q.status(),
    'queue.pause': async () => {
      await q.setPaused(true);
      return q.status();
    },
    'queue.resume': async () => {
      await q.setPaused(false);
      return q.status();
    },
    'takes.list': ({ projectId, shotId }) => core.takes.list(projectId, shotId),
    'takes.get': ({ id }) => core.takes.get(id),
    'takes.files': async ({ jobId }) => {
      const job = await q.get(jobId); // NOT_FOUND for an unknown job
      return Promise.all((await core.takes.byJob(job.cacheOfJobId ?? job.id)).map(async (t) => ({ id: t.id, path: await core.takePath(t.id), artifactClass: t.artifactClass, checkStatus: t.checkStatus })));
    },
    'finalize.plan': ({ projectId, top, topPercent }, ctx) =>
      core.finalizer.plan(projectId, { ...(top === undefined ? {} : { top }), ...(topPercent === undefined ? {} : { topPercent }) }, ctx.role),
    'finalize.run': ({ projectId, takeIds, expectedCredits }, ctx) => core.finalizer.run(projectId, takeIds, expectedCredits, ctx.memberId ?? ctx.author),
  };
}
