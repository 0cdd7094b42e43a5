import { expect } from 'vitest';
import type { Core } from '../../electron/core/createCore';
import type { Job } from '../../shared/contract/jobs';

/** After a soak: each terminal job's reservation resolved exactly once; an UNKNOWN job still holds its own. */
export async function expectReservationsResolved(core: Core, jobs: readonly Job[]): Promise<void> {
  for (const j of jobs) {
    const rs = await core.ledger.reservationsForJob(j.id);
    expect(rs).toHaveLength(1);
    if (j.status === 'unknown') expect(rs[0]!.state).toBe('pending');
    else expect(rs[0]!.state).toBe((j.capturedCredits ?? 0) > 0 ? 'captured' : 'voided');
  }
}
