import type { BoardService } from '../board/boardService';
import type { Db } from '../db/db';
import type { ProtectionSource } from '../media/retention/retentionSweeper';

/**
 * What retention must keep, from the takes and the board: a preview whose take is shortlisted or
 * awaiting its release re-render, and a release that has been published. Everything else past its
 * plan's retention days may go (its params and metadata stay).
 */
export function takeProtection(d: { db: Db; board: BoardService }): ProtectionSource {
  const takesOf = d.db.conn.prepare<{ id: string }, { id: string; project_id: string; artifact_class: string }>(
    'SELECT id, project_id, artifact_class FROM takes WHERE artifact_id = @id',
  );
  const pendingRelease = d.db.conn.prepare<{ id: string }, { n: number }>(
    "SELECT count(*) AS n FROM jobs WHERE source_take_id = @id AND status IN ('queued', 'paused', 'running', 'unknown')",
  );
  return {
    protectedArtifacts(ids) {
      const out = new Map<string, string>();
      const cards = new Map<string, Map<string, { isShortlisted: boolean; publishedAt: number | null }>>();
      const cardsOf = (projectId: string) => {
        let m = cards.get(projectId);
        if (!m) {
          m = new Map(d.board.view(projectId).shots.flatMap((s) => s.takes.map((t) => [t.id, t] as const)));
          cards.set(projectId, m);
        }
        return m;
      };
      for (const id of ids) {
        for (const take of takesOf.all({ id })) {
          const card = cardsOf(take.project_id).get(take.id);
          if (take.artifact_class === 'preview') {
            if (pendingRelease.get({ id: take.id })!.n > 0) out.set(id, `take ${take.id} is awaiting its release re-render`);
            else if (card?.isShortlisted) out.set(id, `take ${take.id} is shortlisted`);
          } else if (d.board.publishedAt(take.id) !== null) out.set(id, `take ${take.id} was published`);
        }
      }
      return out;
    },
  };
}
