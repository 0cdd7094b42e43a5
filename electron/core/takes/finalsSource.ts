import type { BoardService } from '../board/boardService';
import type { Db } from '../db/db';
import type { FinalEntry, FinalsSource } from '../media/finals';
import type { MediaStore } from '../media/store/mediaStore';
import type { ShotService } from '../shots/shotService';
import type { TakeService } from '../takes/takeService';

/**
 * A project's finals for stitch and export: per shot, one release take of a succeeded finalize job —
 * the re-render of the best-scored shortlisted preview (the board's score), the newest on a tie.
 * Shots without a final are left out; release takes whose file retention swept are skipped.
 */
export function takesFinals(d: { db: Db; takes: TakeService; shots: ShotService; media: MediaStore; board: BoardService }): FinalsSource {
  const jobOf = d.db.conn.prepare<{ id: string }, { status: string; params_hash: string }>('SELECT status, params_hash FROM jobs WHERE id = @id');
  return {
    finals(projectId: string): FinalEntry[] {
      const position = new Map(d.shots.list(projectId).map((s) => [s.id, s.position]));
      const scores = new Map(d.board.view(projectId).shots.flatMap((s) => s.takes.map((t) => [t.id, t.score] as const)));
      const best = new Map<string, { take: ReturnType<TakeService['get']>; score: number }>();
      for (const take of d.takes.list(projectId)) {
        if (take.artifactClass !== 'release' || !take.artifactId || !position.has(take.shotId)) continue;
        if (jobOf.get({ id: take.jobId })?.status !== 'succeeded') continue;
        const a = d.media.find(take.artifactId);
        if (!a || a.sweptAt !== null) continue;
        const score = take.sourceTakeId ? (scores.get(take.sourceTakeId) ?? 0) : 0;
        const cur = best.get(take.shotId);
        if (!cur || score > cur.score || (score === cur.score && take.createdAt > cur.take.createdAt)) best.set(take.shotId, { take, score });
      }
      return [...best.values()].map(({ take }) => ({
        shotPosition: position.get(take.shotId)!,
        takeId: take.id,
        paramsHash: jobOf.get({ id: take.jobId })!.params_hash,
        model: take.model,
        credits: take.credits,
        artifact: d.media.getRelease(take.artifactId!),
        // The reviewers commented on the preview this final re-renders (the card on the board).
        comments: d.board.comments(take.sourceTakeId ?? take.id).map((c) => ({
          author: c.author,
          body: c.body,
          atSec: c.atSec,
          endSec: c.endSec,
          drawing: c.drawing,
          createdAt: new Date(c.createdAt).toISOString(),
        })),
      }));
    },
  };
}
