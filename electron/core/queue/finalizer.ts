import type { FinalizePlan } from '../../../shared/contract/finalize';
import { AppError, isAppError } from '../../../shared/errors';
import type { GenerationParams } from '../../../shared/jobParams';
import type { Refusal } from '../../../shared/money/guards';
import { releaseRatio } from '../../../shared/money/releaseSpec';
import type { BoardService } from '../board/boardService';
import type { CreditLedger } from '../money/creditLedger';
import type { MoneyService } from '../money/moneyService';
import type { PromptVault } from '../security/promptVault';
import { openJobParams } from './jobInputs';
import type { ShotService } from '../shots/shotService';
import type { TakeService } from '../takes/takeService';
import type { Take } from '../../../shared/contract/takes';
import type { JobQueue } from './jobQueue';
import type { JobRepo } from './jobRepo';
import { simulatorSeed } from '../providers/local/localProvider';

export interface FinalizerDeps {
  jobs: Pick<JobRepo, 'get'>;
  queue: JobQueue;
  board: BoardService;
  takes: TakeService;
  shots: ShotService;
  money: MoneyService;
  ledger: CreditLedger;
  vault: PromptVault;
}

/**
 * Finalize: the shortlist only, re-rendered at release spec (a new release-class job per take — a
 * preview is never promoted). `plan` is the batch confirmation (total cost, balance before → after,
 * the multiplier against what the previews cost); `run` submits exactly what was confirmed.
 */
export class Finalizer {
  constructor(private readonly d: FinalizerDeps) {}

  async plan(projectId: string, select: { top?: number; topPercent?: number } = {}, author = 'owner'): Promise<FinalizePlan> {
    if (select.top !== undefined && select.topPercent !== undefined) {
      throw new AppError('VALIDATION', 'top: give --top N or --top-percent X, not both.', { field: 'top' });
    }
    if (select.top !== undefined || select.topPercent !== undefined) {
      const rule = await this.d.board.rule(projectId);
      await this.d.board.setRule(
        projectId,
        select.top !== undefined ? { ...rule, mode: 'top', n: select.top } : { ...rule, mode: 'percent', percent: select.topPercent! },
        author,
      );
    }
    const skipped: { takeId: string; reason: string }[] = [];
    const cards = [];
    for (const c of await this.d.board.shortlisted(projectId)) {
      if (c.artifactClass !== 'preview') continue;
      if ((await this.providerOf(c.jobId)) === 'import') {
        skipped.push({ takeId: c.id, reason: 'an imported clip is re-rendered where it was made; import its release version' });
        continue;
      }
      cards.push(c);
    }
    const shotNames = new Map((await this.d.shots.list(projectId)).map((s) => [s.id, s.name]));
    const pools: Record<string, number> = {};
    const refusals: Refusal[] = [];
    const items = [];
    for (const card of cards) {
      const take = await this.d.takes.get(card.id);
      const params = await this.releaseParams(take);
      const quote = await this.d.money.quote(params, projectId);
      for (const [surface, credits] of Object.entries(quote.estimate.pools)) pools[surface] = (pools[surface] ?? 0) + (credits ?? 0);
      for (const r of quote.refusals) if (r.rule !== 'balance' && !refusals.some((x) => x.rule === r.rule && x.message === r.message)) refusals.push(r);
      items.push({
        takeId: card.id,
        shotId: card.shotId,
        shotName: shotNames.get(card.shotId) ?? card.shotId,
        model: params.model,
        durationSec: params.durationSec ?? null,
        ratio: params.ratio ?? null,
        previewCredits: take.credits,
        releaseCredits: quote.estimate.credits,
      });
    }
    const balances = await this.d.ledger.balances();
    const before: Record<string, number> = {};
    const after: Record<string, number> = {};
    for (const [surface, need] of Object.entries(pools)) {
      const have = balances.surfaces.find((s) => s.surface === surface)?.available ?? 0;
      before[surface] = have;
      after[surface] = have - need;
      if (need > have) {
        refusals.push({
          rule: 'balance',
          pool: surface,
          shortfall: need - have,
          message: `Finalizing ${items.length} take${items.length === 1 ? '' : 's'} needs ${need} ${surface} credits; ${have} are available (short by ${need - have}).`,
          waysOut: [
            { kind: 'buy_credits', text: `buy at least ${need - have} credits`, credits: need - have },
            { kind: 'fewer_variations', text: 'finalize fewer takes (lower --top or --top-percent)' },
          ] as Refusal['waysOut'],
        });
      }
    }
    const totalCredits = items.reduce((a, i) => a + i.releaseCredits, 0);
    const previewCredits = items.reduce((a, i) => a + i.previewCredits, 0);
    if (items.length === 0) {
      refusals.push({ rule: 'shortlist', pool: null, shortfall: null, message: 'Nothing is shortlisted in this project yet: tag takes promising, or set a shortlist rule.', waysOut: [] });
    }
    return {
      projectId,
      items,
      totalCredits,
      pools,
      before,
      after,
      previewCredits,
      multiplier: previewCredits > 0 ? Math.round((totalCredits / previewCredits) * 100) / 100 : null,
      refusals,
      skipped,
      canRun: refusals.length === 0,
    };
  }

  /** `userId`: who finalizes (a studio member, a producer link's name); their limits apply and the jobs are theirs. */
  async run(projectId: string, takeIds: readonly string[], expectedCredits: number, userId?: string): Promise<{ jobIds: string[]; failed: { takeId: string; code: string; message: string }[] }> {
    const plan = await this.plan(projectId);
    const planned = new Set(plan.items.map((i) => i.takeId));
    const stray = takeIds.filter((id) => !planned.has(id));
    if (stray.length > 0) {
      throw new AppError('VALIDATION', `takeIds: ${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} not on the shortlist; finalize acts on the shortlist only.`, { field: 'takeIds', stray });
    }
    const chosen = plan.items.filter((i) => takeIds.includes(i.takeId));
    const total = chosen.reduce((a, i) => a + i.releaseCredits, 0);
    if (total > expectedCredits) {
      throw new AppError('CONFLICT', `The batch now costs ${total} credits, more than the ${expectedCredits} you confirmed. Review the new total and confirm again.`, {
        field: 'expectedCredits',
        total,
      });
    }
    const blocking = plan.refusals.filter((r) => r.rule !== 'balance' && r.rule !== 'shortlist');
    if (blocking.length > 0) throw new AppError('POLICY_REFUSED', blocking.map((r) => r.message).join(' '), { refusals: blocking });
    const jobIds: string[] = [];
    const failed: { takeId: string; code: string; message: string }[] = [];
    for (const item of chosen) {
      try {
        const r = await this.d.queue.submit({ params: await this.releaseParams(await this.d.takes.get(item.takeId)), projectId, shotId: item.shotId, sourceTakeId: item.takeId, priority: 0, noCache: false, ...(userId ? { userId } : {}) });
        jobIds.push(r.jobId);
      } catch (e) {
        if (!isAppError(e)) throw e;
        failed.push({ takeId: item.takeId, code: e.code, message: e.message });
      }
    }
    return { jobIds, failed };
  }

  private async providerOf(jobId: string): Promise<string | undefined> {
    return (await this.d.jobs.get(jobId))?.provider;
  }

  /** The release spec for a preview take: its job's params at release class, one variation, same seed. */
  private async releaseParams(take: Take): Promise<GenerationParams> {
    const takeId = take.id;
    if (take.artifactClass !== 'preview') throw new AppError('VALIDATION', `takeIds: ${takeId} is already a release take.`, { field: 'takeIds' });
    const row = await this.d.jobs.get(take.jobId);
    if (!row) throw new AppError('NOT_FOUND', `The job behind take ${takeId} is gone.`, { field: 'takeIds' });
    const { params, cannotRun } = openJobParams(row, this.d.vault);
    if (cannotRun?.code === 'PROMPT_UNREADABLE') throw new AppError('VALIDATION', `takeIds: take ${takeId} cannot be re-rendered — ${cannotRun.message}`, { field: 'takeIds', takeId });
    // The preview's own seed for this variation, so the release re-renders the same picture. Without a
    // seed the simulator's derived one is known; a remote provider's random one is not (the re-render differs).
    const seed = params.seed !== undefined ? (params.seed + take.n) % 4294967296 : params.provider === 'local' ? simulatorSeed(take.jobId, take.n) : undefined;
    // Release spec: the same framing at the largest size the model renders under the plan's release cap.
    let ratio = params.ratio;
    if (ratio) {
      const { plan, rateCard } = this.d.money.pricing();
      const model = rateCard.models[params.model];
      if (model && 'ratios' in model && Array.isArray(model.ratios)) ratio = releaseRatio(ratio, model.ratios, plan.outputs.max_resolution.release ?? null);
    }
    return { ...params, artifactClass: 'release', variations: 1, ...(seed === undefined ? {} : { seed }), ...(ratio ? { ratio } : {}) };
  }
}
