import type { Job, SubmitResult } from '../../../shared/contract/jobs';
import type { Core } from '../../core/createCore';
import type { CliIo, Command } from '../cliSupport';
import { call, dataDirOption, openCore, parseFlags, parseIntFlag, projectOf, reportError, UsageError, warnBrokenConfigs, withCore } from '../cliSupport';

const TERMINAL = new Set(['succeeded', 'partial', 'failed', 'cancelled', 'discarded', 'unknown']);

function parseJsonFlag(value: string | undefined, flag: string): unknown {
  if (value === undefined) throw new UsageError(`--${flag} is required (a JSON object)`);
  try {
    return JSON.parse(value);
  } catch (e) {
    throw new UsageError(`--${flag} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Waits until the job is terminal, running the queue here unless another process already does. */
async function waitForJob(core: Core, jobId: string): Promise<Job> {
  for (;;) {
    const job = await call(core, 'jobs.get', { id: jobId });
    if (TERMINAL.has(job.status)) {
      await core.takeChecks.idle();
      return job;
    }
    if (core.queue.isRunner) await core.queue.idle();
    await new Promise((r) => setTimeout(r, core.queue.isRunner ? 50 : 250));
  }
}

async function withPaths(core: Core, r: SubmitResult, job: Job): Promise<SubmitResult & { error?: { code: string; message: string } }> {
  const takes = await call(core, 'takes.files', { jobId: job.id });
  const out: SubmitResult & { error?: { code: string; message: string } } = {
    ...r,
    status: job.status,
    takes,
    credits: { reserved: job.reservedCredits, captured: job.capturedCredits, before: job.creditsBefore, after: job.creditsAfter },
  };
  if (job.status === 'failed' || job.status === 'unknown' || job.status === 'cancelled') {
    out.error = { code: job.errorCode ?? 'FAILED', message: job.errorMessage ?? `The job ended ${job.status}.` };
  }
  return out;
}

export const submitCommand: Command = {
  name: 'submit',
  summary: 'submit a generation job (estimate + guard + reserve + enqueue); --wait to see it through',
  usage:
    "circletake submit --json '<params>' [--provider local|runway] [--project NAME] [--shot NAME] [--wait] [--no-cache] [--priority N] [--data-dir D]",
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      ...dataDirOption,
      json: { type: 'string' },
      provider: { type: 'string' },
      project: { type: 'string' },
      shot: { type: 'string' },
      wait: { type: 'boolean' },
      'no-cache': { type: 'boolean' },
      priority: { type: 'string' },
    });
    let core: Core | undefined;
    try {
      const params = parseJsonFlag(values.json, 'json') as Record<string, unknown>;
      if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new UsageError('--json must be a JSON object of params');
      if (values.provider) params.provider = values.provider;
      if (params.provider === undefined) params.provider = 'local';
      const priority = parseIntFlag(values.priority, 'priority', -100, 100);
      core = await openCore(values);
      await warnBrokenConfigs(core, io);
      if (values.wait) await core.queue.start();
      const r = await call(core, 'jobs.submit', {
        params,
        projectName: values.project ?? 'Untitled',
        ...(values.shot ? { shotName: values.shot } : {}),
        ...(priority === undefined ? {} : { priority }),
        noCache: values['no-cache'] === true,
      });
      const job = values.wait ? await waitForJob(core, r.jobId) : await call(core, 'jobs.get', { id: r.jobId });
      const out = await withPaths(core, r, job);
      io.out(JSON.stringify(out));
      return out.error && values.wait ? 1 : 0;
    } catch (e) {
      // submit always answers in JSON on stdout (other tools read it), and in one line on stderr.
      return reportError(e, io, true);
    } finally {
      await core?.dispose();
    }
  },
};

function printJobs(io: CliIo, jobs: Job[], json: boolean): void {
  if (json) return io.out(JSON.stringify(jobs));
  if (jobs.length === 0) return io.out('(no jobs)');
  for (const j of jobs) {
    const done = j.tasks.filter((t) => t.status === 'succeeded').length;
    io.out(
      `${j.id}  ${j.status.padEnd(9)} ${j.provider}/${j.model}  ${j.artifactClass}  ${done}/${j.variations} takes  ` +
        `est ${j.estimatedCredits}  captured ${j.capturedCredits ?? '-'}${j.errorMessage ? `  — ${j.errorMessage}` : ''}`,
    );
  }
}

export const jobsCommand: Command = {
  name: 'jobs',
  summary: 'list jobs (newest first)',
  usage: 'circletake jobs [--project NAME] [--status S,…] [--json] [--data-dir D]',
  async run(argv, io) {
    const { values } = parseFlags(argv, { ...dataDirOption, json: { type: 'boolean' }, project: { type: 'string' }, status: { type: 'string' } });
    return withCore(values, io, values.json === true, async (core) => {
      const project = values.project ? await projectOf(core, values.project) : undefined;
      printJobs(io, await call(core, 'jobs.list', { ...(project ? { projectId: project.id } : {}), ...(values.status ? { status: values.status.split(',') } : {}) }), values.json === true);
    });
  },
};

export const cancelCommand: Command = {
  name: 'cancel',
  summary: 'cancel a job (before submission its reservation is released; after, it settles on the final cost)',
  usage: 'circletake cancel ID [--json] [--data-dir D]',
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { ...dataDirOption, json: { type: 'boolean' } }, true);
    if (positionals.length !== 1) throw new UsageError('cancel takes one job id');
    return withCore(values, io, values.json === true, async (core) => printJobs(io, [await call(core, 'jobs.cancel', { id: positionals[0]! })], values.json === true));
  },
};

export const dlqCommand: Command = {
  name: 'dlq',
  summary: 'dead letters: failed jobs with their last error; `dlq retry ID`, `dlq discard ID`',
  usage: 'circletake dlq [retry ID | discard ID] [--json] [--data-dir D]',
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { ...dataDirOption, json: { type: 'boolean' } }, true);
    const [verb, id] = positionals;
    if (verb !== undefined && (!['retry', 'discard'].includes(verb) || !id)) throw new UsageError('use `dlq`, `dlq retry ID` or `dlq discard ID`');
    return withCore(values, io, values.json === true, async (core) => {
      if (verb === 'retry') return printJobs(io, [await call(core, 'jobs.retry', { id: id! })], values.json === true);
      if (verb === 'discard') return printJobs(io, [await call(core, 'jobs.discard', { id: id! })], values.json === true);
      const dead = await call(core, 'jobs.deadLetters', {});
      if (values.json) return io.out(JSON.stringify(dead.map((j) => ({ id: j.id, paramsHash: j.paramsHash, errorCode: j.errorCode, errorMessage: j.errorMessage, createdAt: j.createdAt, finishedAt: j.finishedAt, attempts: j.attempts }))));
      printJobs(io, dead, false);
    });
  },
};

export const queueCommand: Command = {
  name: 'queue',
  summary: 'pause or resume the queue, or show its state',
  usage: 'circletake queue pause|resume|status [--json] [--data-dir D]',
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { ...dataDirOption, json: { type: 'boolean' } }, true);
    const verb = positionals[0] ?? 'status';
    if (!['pause', 'resume', 'status'].includes(verb)) throw new UsageError('use `queue pause`, `queue resume` or `queue status`');
    return withCore(values, io, values.json === true, async (core) => {
      const s = await call(core, verb === 'pause' ? 'queue.pause' : verb === 'resume' ? 'queue.resume' : 'queue.status', {});
      io.out(values.json ? JSON.stringify(s) : `queue ${s.isPaused ? 'paused' : 'running'}`);
    });
  },
};

export const resolveCommand: Command = {
  name: 'resolve',
  summary: 'decide an UNKNOWN job: resubmit (risking a duplicate charge) or abandon',
  usage: 'circletake resolve ID resubmit|abandon [--json] [--data-dir D]',
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { ...dataDirOption, json: { type: 'boolean' } }, true);
    const [id, decision] = positionals;
    if (!id || (decision !== 'resubmit' && decision !== 'abandon')) throw new UsageError('use `resolve ID resubmit` or `resolve ID abandon`');
    return withCore(values, io, values.json === true, async (core) => printJobs(io, [await call(core, 'jobs.resolveUnknown', { id, decision })], values.json === true));
  },
};

export const importCommand: Command = {
  name: 'import',
  summary: 'bring a clip made elsewhere into a shot, with the credits it cost there',
  usage: 'circletake import FILE --project NAME [--shot NAME] --credits N [--model M] [--class preview|release] [--json] [--data-dir D]',
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      { ...dataDirOption, json: { type: 'boolean' }, project: { type: 'string' }, shot: { type: 'string' }, credits: { type: 'string' }, model: { type: 'string' }, class: { type: 'string' } },
      true,
    );
    if (positionals.length !== 1) throw new UsageError('import takes one FILE');
    if (!values.project) throw new UsageError('--project is required');
    const credits = parseIntFlag(values.credits, 'credits', 0, 10_000_000);
    if (credits === undefined) throw new UsageError('--credits is required: what the clip cost where it was made (0 if free)');
    if (values.class && values.class !== 'preview' && values.class !== 'release') throw new UsageError('--class is preview or release');
    const { resolve } = await import('node:path');
    return submitCommand.run(
      [
        '--json',
        JSON.stringify({
          provider: 'import',
          model: values.model ?? 'imported',
          sourceFile: resolve(positionals[0]!),
          enteredCredits: credits,
          artifactClass: values.class ?? 'preview',
        }),
        '--project',
        values.project,
        ...(values.shot ? ['--shot', values.shot] : []),
        '--wait',
        ...(values['data-dir'] ? ['--data-dir', values['data-dir']] : []),
      ],
      io,
    );
  },
};
