import type { StateCreator } from 'zustand';
import type { CallOutput, EventPayload } from '../../../shared/contract';
import type { FinalizePlan } from '../../../shared/contract/finalize';
import type { Job, SubmitInput, SubmitResult } from '../../../shared/contract/jobs';
import { ApiError, type Api } from '../../api/client';
import { RepeatKeys } from '../../api/callKeys';
import { jobTrouble } from '../jobTrouble';
import type { AppState } from '../index';
import { can } from '../access';

type QueueStatus = EventPayload<'queue.changed'>;

/** Job states a person has to act on: a dead letter, or a create whose outcome is unknown. */
export const NEEDS_DECISION: ReadonlySet<Job['status']> = new Set(['failed', 'unknown']);

function troubleToast(j: Job): string {
  return j.status === 'unknown'
    ? `A ${j.model} job needs a decision: the provider may or may not have started it. See its card on the Board.`
    : `A ${j.model} job failed: ${jobTrouble(j).reason} See its card on the Board.`;
}

/**
 * A cache of jobs (the board's drafts and re-renders, the queue panel), the queue's status and the
 * dead letters, fed by calls and by jobs.changed / jobs.progressed / queue.changed.
 */
export interface JobsSlice {
  jobs: Record<string, Job>;
  queueStatus: QueueStatus | null;
  deadLetters: Job[];
  /**
   * Jobs read in bulk (a list, a board view) into the cache. With `since` (jobsMark() taken before the
   * read was asked for), a job an event changed after that mark keeps the event's state: the read's
   * snapshot is older (a render that finished while a board view was on its way stayed at "52 %").
   */
  seedJobs(jobs: readonly Job[], since?: number): void;
  /** A mark of the job events applied so far, taken before a read whose answer is then seeded with it. */
  jobsMark(): number;
  loadQueue(): Promise<void>;
  /** Only the queue's status (the running count in the tab and the title); cheap at start-up. */
  loadQueueStatus(): Promise<void>;
  /** What needs a decision (dead letters and UNKNOWN jobs), for the Queue badge and the board's cards. */
  loadAttention(): Promise<void>;
  /**
   * Submits a draft. A submit whose answer never came (the host or the studio unreachable) is kept with its
   * Idempotency-Key: the same draft submitted again goes with that key, so a first try that landed is answered
   * from its record, never queued twice; a changed draft, or one already answered, gets a new key.
   */
  submitJob(input: SubmitInput): Promise<SubmitResult>;
  /** Would this draft be answered from the cache (free), or join a job in flight? */
  lookupCache(params: SubmitInput['params'], projectId: string): Promise<CallOutput<'jobs.lookup'>>;
  jobAction(kind: 'cancel' | 'pause' | 'resume' | 'retry' | 'discard', id: string): Promise<void>;
  resolveUnknown(id: string, decision: 'resubmit' | 'abandon'): Promise<void>;
  setQueuePaused(isPaused: boolean): Promise<void>;
  /** The finalize batch confirmation: release cost, balance before → after, multiplier vs previews. */
  planFinalize(projectId: string): Promise<FinalizePlan>;
  /** Submits the confirmed batch; refused by core when it would now cost more than confirmed. */
  runFinalize(plan: FinalizePlan): Promise<{ jobIds: string[]; failed: { takeId: string; code: string; message: string }[] }>;
  /** Export the project's finals (release only) with the stitched sequence and a manifest; they become Published. */
  exportProject(input: { projectId: string; toDir: string; withSequence: boolean; withPrompts: boolean }): Promise<CallOutput<'export.run'>>;
  /** The desktop on a studio: copy a named export's files into a folder on this computer (picked in a dialog). */
  saveExportHere(name: string, files: string[]): Promise<CallOutput<'system.saveExport'>>;
  /** Where an export would write and what (nothing is written). */
  checkExport(input: { projectId: string; toDir: string; withSequence: boolean }): Promise<CallOutput<'export.check'>>;
  /** The window's native folder picker; null when cancelled (absent in the browser host). */
  pickFolder(title: string): Promise<string | null>;
  /** True where a native folder picker exists (the Electron window). */
  hasFolderPicker: boolean;
  /** 0..1 while an export of the project runs (export.progressed). */
  exportProgress: Record<string, number>;
  applyExportProgressed(e: EventPayload<'export.progressed'>): void;
  applyJobChanged(e: EventPayload<'jobs.changed'>): void;
  applyJobProgressed(e: EventPayload<'jobs.progressed'>): void;
  applyQueueChanged(e: QueueStatus): void;
}

export const createJobsSlice =
  (api: Api): StateCreator<AppState, [], [], JobsSlice> =>
  (set, get) => {
    const submitKeys = new RepeatKeys();
    /**
     * A job into the cache; a toast when it has just come to need a decision. From an event, a job never
     * seen here counts too: another process's job that failed within one flush of the change feed
     * arrives as one snapshot, already failed (a dead letter known at load is not news).
     */
    // Job events applied so far, and the last one per job (see seedJobs' `since`).
    let eventCount = 0;
    const lastEventOf = new Map<string, number>();
    const isNewerThan = (id: string, since: number | undefined) => since !== undefined && (lastEventOf.get(id) ?? 0) > since;
    const put = (job: Job, isEvent = false, since?: number) => {
      if (isEvent) lastEventOf.set(job.id, ++eventCount);
      else if (isNewerThan(job.id, since)) return;
      const was = get().jobs[job.id];
      set({ jobs: { ...get().jobs, [job.id]: job } });
      const wasDecided = was ? NEEDS_DECISION.has(was.status) : get().deadLetters.some((j) => j.id === job.id);
      if ((was || isEvent) && !wasDecided && NEEDS_DECISION.has(job.status)) get().notify('error', troubleToast(job));
      const isDead = job.status === 'failed';
      const dl = get().deadLetters;
      if (isDead || dl.some((j) => j.id === job.id)) set({ deadLetters: isDead ? [job, ...dl.filter((j) => j.id !== job.id)] : dl.filter((j) => j.id !== job.id) });
    };
    return {
      jobs: {},
      queueStatus: null,
      deadLetters: [],
      seedJobs(jobs, since) {
        const fresh = jobs.filter((j) => !isNewerThan(j.id, since));
        if (fresh.length === 0) return;
        const next = { ...get().jobs };
        for (const j of fresh) next[j.id] = j;
        set({ jobs: next });
      },
      jobsMark: () => eventCount,
      async loadQueue() {
        // Dead letters are for whoever can retry them (not a producer): asking anyway would be refused and lose the whole list.
        const since = eventCount;
        const [jobs, status, dead] = await Promise.all([api.call('jobs.list', { limit: 500 }), api.call('queue.status', {}), can(get(), 'jobs.deadLetters') ? api.call('jobs.deadLetters', {}) : []]);
        get().seedJobs(jobs, since);
        set({ queueStatus: status, deadLetters: dead });
      },
      async loadQueueStatus() {
        set({ queueStatus: await api.call('queue.status', {}) });
      },
      async loadAttention() {
        const since = eventCount;
        const [dead, unknown] = await Promise.all([api.call('jobs.deadLetters', {}), api.call('jobs.list', { status: ['unknown'], limit: 1000 })]);
        get().seedJobs([...dead, ...unknown], since);
        set({ deadLetters: dead });
      },
      async submitJob(input) {
        const author = get().authorName.trim();
        const body = author && !input.userId ? { ...input, userId: author } : input;
        const sent = JSON.stringify(body);
        const idempotencyKey = submitKeys.keyFor(sent);
        let r: SubmitResult;
        try {
          r = await api.call('jobs.submit', body, { idempotencyKey });
          submitKeys.settle(sent, idempotencyKey, null);
        } catch (e) {
          submitKeys.settle(sent, idempotencyKey, e instanceof ApiError ? e : { code: 'INTERNAL' });
          throw e;
        }
        try {
          const since = eventCount;
          put(await api.call('jobs.get', { id: r.jobId }), false, since);
        } catch (e) {
          // The job exists; its jobs.changed event will fill the cache. Not worth failing the submit.
          console.warn('circletake: could not read the submitted job back', e);
        }
        return r;
      },
      async jobAction(kind, id) {
        const name = `jobs.${kind}` as const;
        const since = eventCount;
        put(await api.call(name, { id }), false, since);
      },
      async resolveUnknown(id, decision) {
        const since = eventCount;
        put(await api.call('jobs.resolveUnknown', { id, decision }), false, since);
      },
      async setQueuePaused(isPaused) {
        set({ queueStatus: await api.call(isPaused ? 'queue.pause' : 'queue.resume', {}) });
      },
      planFinalize: (projectId) => api.call('finalize.plan', { projectId }),
      async runFinalize(plan) {
        const r = await api.call('finalize.run', { projectId: plan.projectId, takeIds: plan.items.map((i) => i.takeId), expectedCredits: plan.totalCredits });
        const since = eventCount;
        const jobs = await Promise.all(r.jobIds.map((id) => api.call('jobs.get', { id }).catch(() => null)));
        get().seedJobs(jobs.filter((j): j is Job => j !== null), since);
        return r;
      },
      lookupCache: (params, projectId) => api.call('jobs.lookup', { params, projectId }),
      exportProgress: {},
      exportProject: (input) => api.call('export.run', input),
      saveExportHere: (name, files) => api.call('system.saveExport', { name, files }),
      checkExport: (input) => api.call('export.check', input),
      pickFolder: async (title) => (await api.call('system.pickFolder', { title })).dir,
      hasFolderPicker: api.transport === 'ipc',
      applyExportProgressed({ projectId, fraction }) {
        set({ exportProgress: { ...get().exportProgress, [projectId]: fraction } });
      },
      applyJobChanged({ job }) {
        put(job, true);
      },
      applyJobProgressed({ jobId, n, progress, providerStatus }) {
        const job = get().jobs[jobId];
        if (!job) return;
        lastEventOf.set(jobId, ++eventCount);
        const tasks = job.tasks.map((t) => (t.n === n ? { ...t, progress, providerStatus } : t));
        set({ jobs: { ...get().jobs, [jobId]: { ...job, tasks } } });
      },
      applyQueueChanged(e) {
        set({ queueStatus: e });
      },
    };
  };
