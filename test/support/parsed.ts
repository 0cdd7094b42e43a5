import type { z } from 'zod';
import { SubmitInput } from '../../shared/contract/jobs';

/**
 * Services take input as the contract parsed it (dispatch is the one validation). Tests and benches
 * that call a service directly build that input the same way: through the contract's own schema, so
 * defaults are filled in and a bad literal fails here, loudly, instead of reaching the service.
 */
export function parsed<S extends z.ZodType>(schema: S, input: z.input<S>): z.output<S> {
  return schema.parse(input);
}

/** A `jobs.submit` request as dispatch hands it to JobQueue.submit. */
export function submitRequest(input: z.input<typeof SubmitInput>): z.output<typeof SubmitInput> {
  return SubmitInput.parse(input);
}
