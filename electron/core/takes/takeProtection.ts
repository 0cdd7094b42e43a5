import type { BoardService } from '../board/boardService';
import type { SqlEngine } from '../db/engine/sqlEngine';
import type { ProtectionSource } from '../media/retention/retentionSweeper';

/**
 * What retention must keep, from the takes and the board: a preview whose take is shortlisted or
 * awaiting its release re-render, and a release that has been published. Everything else past its
 * plan's retention days may go (its params and metadata stay).
 */
export function takeProtection(d: { engine: SqlEngine; board: BoardService }): ProtectionSource {
  const takesOf = (id: string) => d.engine.all<{ id: string; project_id: string; artifact_class: string }>('SELECT id, project_id, artifact_class FROM takes WHERE artifact_id = ?', [id]);
  const pendingRelease = async (id: string) =>
    Number((await d.engine.get<{ n: number }>("SELECT count(*) AS n FROM jobs WHERE source_take_id = ? AND status IN ('queued', 'paused', 'running', 'unknown')", [id]))?.n ?? 0);
  return {
    async protectedArtifacts(ids) {
      const out = new Map<string, string>();
      const cards = new Map<string, Map<string, { isShortlisted: boolean; publishedAt: number | null }>>();
      const cardsOf = async (projectId: string) => {
        let m = cards.get(projectId);
        if (!m) {
          m = new Map((await d.board.view(projectId)).shots.flatMap((s) => s.takes.map((t) => [t.id, t] as const)));
          cards.set(projectId, m);
        }
        return m;
      };
      for (const id of ids) {
        for (const take of await takesOf(id)) {
          const card = (await cardsOf(take.project_id)).get(take.id);
          if (take.artifact_class === 'preview') {
            if ((await pendingRelease(take.id)) > 0) out.set(id, `take ${take.id} is awaiting its release re-render`);
            else if (card?.isShortlisted) out.set(id, `take ${take.id} is shortlisted`);
          } else if ((await d.board.publishedAt(take.id)) !== null) out.set(id, `take ${take.id} was published`);
        }
      }
      return out;
    },
  };
}
