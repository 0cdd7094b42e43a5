import { decodeParams } from '../queue/jobParamsColumn';
import type { BoardService } from '../board/boardService';
import type { SqlEngine } from '../db/engine/sqlEngine';
import type { FinalEntry, FinalsSource } from '../media/finals';
import type { MediaStore } from '../media/store/mediaStore';
import type { PromptVault } from '../security/promptVault';
import type { ShotService } from '../shots/shotService';
import type { TakeService } from '../takes/takeService';
import type { Take } from '../../../shared/contract/takes';

/**
 * A project's finals for stitch and export: per shot, one release take of a succeeded finalize job —
 * the re-render of the best-scored shortlisted preview (the board's score), the newest on a tie.
 * Shots without a final are left out; release takes whose file retention swept are skipped.
 */
export function takesFinals(d: { engine: SqlEngine; takes: TakeService; shots: ShotService; media: MediaStore; board: BoardService; vault: PromptVault }): FinalsSource {
  const jobOf = (id: string) =>
    d.engine.get<{ status: string; params_hash: string; params_json: string; prompt_sealed: Buffer }>('SELECT status, params_hash, params_json, prompt_sealed FROM jobs WHERE id = ?', [id]);
  return {
    async finals(projectId: string): Promise<FinalEntry[]> {
      const shots = await d.shots.list(projectId);
      const position = new Map(shots.map((s) => [s.id, s.position]));
      const shotName = new Map(shots.map((s) => [s.id, s.name]));
      const cards = new Map((await d.board.view(projectId)).shots.flatMap((s) => s.takes.map((t) => [t.id, t] as const)));
      const scores = new Map([...cards].map(([id, c]) => [id, c.score] as const));
      const best = new Map<string, { take: Take; score: number }>();
      for (const take of await d.takes.list(projectId)) {
        if (take.artifactClass !== 'release' || !take.artifactId || !position.has(take.shotId)) continue;
        if ((await jobOf(take.jobId))?.status !== 'succeeded') continue;
        const a = await d.media.find(take.artifactId);
        if (!a || a.sweptAt !== null) continue;
        const score = take.sourceTakeId ? (scores.get(take.sourceTakeId) ?? 0) : 0;
        const cur = best.get(take.shotId);
        if (!cur || score > cur.score || (score === cur.score && take.createdAt > cur.take.createdAt)) best.set(take.shotId, { take, score });
      }
      const out: FinalEntry[] = [];
      for (const { take } of best.values()) {
        const job = (await jobOf(take.jobId))!;
        const seed = decodeParams(job.params_json, take.jobId).seed;
        const number = cards.get(take.sourceTakeId ?? take.id)?.number;
        const comments = await d.board.comments(take.sourceTakeId ?? take.id);
        out.push({
          shotPosition: position.get(take.shotId)!,
          shotName: shotName.get(take.shotId)!,
          ...(number ? { takeNumber: number } : {}),
          seed: typeof seed === 'number' ? seed : null,
          checkStatus: take.checkStatus,
          prompt: () => {
            const f = d.vault.open(job.prompt_sealed);
            return { prompt: f.prompt, negativePrompt: f.negativePrompt ?? null };
          },
          takeId: take.id,
          paramsHash: job.params_hash,
          model: take.model,
          credits: take.credits,
          artifact: await d.media.getRelease(take.artifactId!),
          // The reviewers commented on the preview this final re-renders (the card on the board).
          comments: comments.map((c) => ({
            author: c.author,
            body: c.body,
            atSec: c.atSec,
            endSec: c.endSec,
            drawing: c.drawing,
            createdAt: new Date(c.createdAt).toISOString(),
          })),
        });
      }
      return out;
    },
  };
}
