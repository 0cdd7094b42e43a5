import { DEFAULT_SHORTLIST_RULE, type BoardView, type ShortlistRule } from '../../../shared/contract/board';
import { deriveShot, draftsOf, emptyMarks, isActiveJob, releasesOf } from '../../../shared/board/derive';
import { toFacts } from '../../../shared/board/facts';
import { AppError } from '../../../shared/errors';
import type { Queryable } from '../db/engine/sqlEngine';
import { boardRepo as repo } from './boardRepo';
import type { BoardSources } from './boardSources';

/** The project's shortlist rule, or the default one when none was set. */
export async function shortlistRule(q: Queryable, projectId: string): Promise<ShortlistRule> {
  return (await repo.ruleOf(q, projectId)) ?? DEFAULT_SHORTLIST_RULE;
}

/**
 * The derived board of a project, or of one shot: per shot its take cards (stage, score, shortlist,
 * from the takes' facts and marks under the rule), its drafts, and the project's active jobs.
 */
export async function readBoardView(q: Queryable, sources: BoardSources, projectId: string, shotId?: string): Promise<BoardView> {
  const shots = (await sources.shots(projectId)).filter((s) => shotId === undefined || s.id === shotId);
  if (shotId !== undefined && shots.length === 0) throw new AppError('NOT_FOUND', `No shot with id ${shotId} in this project.`, { field: 'shotId', id: shotId });
  const rule = await shortlistRule(q, projectId);
  // One shot asked for: only its takes and marks are read (the renderer loads a big board shot by shot).
  const facts = (await sources.takes(projectId, shotId)).map(toFacts);
  const marks = await repo.marksForProject(q, projectId, shotId);
  const jobs = await sources.jobs(projectId);
  const releases = releasesOf(jobs, facts);
  const drafts = draftsOf(jobs);
  const marksOf = (id: string) => marks.get(id) ?? emptyMarks(id);
  const releaseOf = (id: string) => releases.get(id) ?? null;
  return {
    projectId,
    rule,
    shots: shots.map((shot) => ({
      shot,
      takes: deriveShot(
        facts.filter((t) => t.shotId === shot.id),
        marksOf,
        releaseOf,
        rule,
      ),
      drafts: drafts.filter((d) => d.shotId === shot.id),
    })),
    activeJobs: jobs.filter(isActiveJob),
  };
}
