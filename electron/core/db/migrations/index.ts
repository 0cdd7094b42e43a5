import type { Migration } from '../migration';
import * as m0010 from './0010-create-projects';
import * as m0200 from './0200-create-shots';

/**
 * Every migration, ascending. Numbering: 0010–0090 skeleton, 0100s money, 0200s queue,
 * 0300s media, 0400s board, 0500s insight, 0600s trust. A new migration always takes a
 * number above the highest one already landed.
 */
export const migrations: Migration[] = [m0010, m0200];
