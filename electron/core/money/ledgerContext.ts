import type { OpKind } from '../../../shared/money/ledgerTypes';
import type { PlanConfig } from '../../../shared/money/planSchema';
import type { Logger } from '../ports';
import type { Books, Now } from './ledgerBooks';
import type { LedgerStatements } from './ledgerRepo';

/** What the ledger's write helpers (cycles, settlement) share; they run inside the ledger's transaction. */
export interface LedgerCtx {
  s: LedgerStatements;
  books: Books;
  plan(): PlanConfig;
  logger: Logger;
  now(): Now;
  /** Records a committed-if-all-goes-well change, for credits.changed after the transaction. */
  note(kind: OpKind, opId: string, reservationId?: string | null, jobId?: string | null, userId?: string | null): void;
}
