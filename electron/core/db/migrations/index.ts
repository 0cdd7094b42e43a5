import type { Migration } from '../migration';
import * as m0010 from './0010-create-projects';
import * as m0100 from './0100-create-ledger';
import * as m0110 from './0110-create-money-settings';
import * as m0200 from './0200-create-shots';
import * as m0210 from './0210-create-jobs';
import * as m0300 from './0300-create-artifacts';
import * as m0310 from './0310-create-artifact-checks';
import * as m0320 from './0320-create-watermarks';
import * as m0400 from './0400-create-take-tags';
import * as m0410 from './0410-create-take-comments';
import * as m0420 from './0420-create-shortlist';
import * as m0430 from './0430-create-board-actions';
import * as m0440 from './0440-create-take-published';
import * as m0500 from './0500-create-insight-settings';
import * as m0510 from './0510-create-spend-thresholds';
import * as m0520 from './0520-create-benchmarks';
import * as m0600 from './0600-create-asset-labels';
import * as m0700 from './0700-create-live-changes';
import * as m0710 from './0710-create-review-links';
import * as m0720 from './0720-create-config-versions';
import * as m0730 from './0730-add-review-marks';
import * as m0800 from './0800-create-ledger-spend';
import * as m0810 from './0810-create-drafts';
import * as m0820 from './0820-allow-provider-sync';
import * as m0830 from './0830-row-order';
import * as m0840 from './0840-check-verdicts-once';
import * as m0850 from './0850-create-shared-limits';
import * as m0890 from './0890-create-accounts';
import * as m0900 from './0900-create-idempotency-keys';
import * as m0910 from './0910-create-money-limits';
import * as m0950 from './0950-add-job-submitter';
import * as m0960 from './0960-create-exports-making';
import * as m0970 from './0970-index-jobs-seq';

/**
 * Every migration, ascending. Numbering: 0010–0090 skeleton, 0100s money, 0200s queue,
 * 0300s media, 0400s board, 0500s insight, 0600s trust, 0700s live (sessions across processes), 0800s money truth and drafts (0810), 0830 row order on both engines, 0850 tier limits shared by every queue worker, 0890 a studio's accounts, 0900 the studio server's idempotency keys, 0910 spending limits and spend notices an admin sets, 0950 who submitted each job, 0960 a named export while it is made, 0970 the jobs' line order indexed. A new migration always takes a
 * number above the highest one already landed.
 */
export const migrations: Migration[] = [m0010, m0100, m0110, m0200, m0210, m0300, m0310, m0320, m0400, m0410, m0420, m0430, m0440, m0500, m0510, m0520, m0600, m0700, m0710, m0720, m0730, m0800, m0810, m0820, m0830, m0840, m0850, m0890, m0900, m0910, m0950, m0960, m0970];
