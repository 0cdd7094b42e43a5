import type { Job } from '../../../shared/contract/jobs';
import type { Shot } from '../../../shared/contract/shots';
import type { Take } from '../../../shared/contract/takes';

/**
 * What the board reads from other services, as a port: createCore adapts the shot service, the
 * take service and the job queue to it, so the board depends on no concrete class of theirs. Shots and jobs may answer
 * at once while their domains are still synchronous.
 */
export interface BoardSources {
  shots(projectId: string): Shot[] | Promise<Shot[]>;
  /** Every take of the project (preview and release), oldest first; only one shot's when given. */
  takes(projectId: string, shotId?: string): Promise<Take[]>;
  /** A take, or throws NOT_FOUND naming it. */
  take(id: string): Promise<Take>;
  /** The project's jobs that are not terminal, and its release jobs (so a failed re-render shows). */
  jobs(projectId: string): Job[] | Promise<Job[]>;
}
