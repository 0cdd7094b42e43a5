import { basename, isAbsolute, relative, sep } from 'node:path';
import { AppError, isAppError } from '../../../shared/errors';
import type { CallContext, Handler, Handlers } from '../dispatch';

/** A string that names a place on the owner's disk: absolute, and shaped like a path (not a URL or prose). */
function isOwnerPath(s: string): boolean {
  return s.length > 1 && isAbsolute(s) && !/\s{2}|\n/.test(s) && /^(\/|[A-Za-z]:\\|\\\\)[^\s]*(\s[^\s/\\]+)*[^\s]*$/.test(s);
}

/** A path said without the owner's machine: inside the data dir relative to it, anywhere else its file name. */
export function hidePath(s: string, dataDir: string): string {
  if (!isOwnerPath(s)) return s.split(dataDir + sep).join('');
  const rel = relative(dataDir, s);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : basename(s);
}

function hideDeep(v: unknown, dataDir: string): unknown {
  if (typeof v === 'string') return hidePath(v, dataDir);
  if (Array.isArray(v)) return v.map((x) => hideDeep(x, dataDir));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, hideDeep(x, dataDir)]));
  return v;
}

/**
 * A review session (producer or reviewer) never sees absolute paths of the owner's machine: in every
 * answer and error, a path inside the data dir is said relative to it and any other path by its file
 * name. The owner's own session (the window, the local host, the CLI) sees paths as they are.
 */
export function hideOwnerPaths(handlers: Handlers, dataDir: string): Handlers {
  const out = {} as Record<string, Handler<never>>;
  for (const [name, h] of Object.entries(handlers) as [string, (input: unknown, ctx: CallContext) => unknown][]) {
    out[name] = (async (input: unknown, ctx: CallContext) => {
      if (ctx.role === 'owner') return h(input, ctx);
      try {
        return hideDeep(await h(input, ctx), dataDir);
      } catch (e) {
        if (!isAppError(e)) throw e;
        throw new AppError(e.code, hidePath(e.message, dataDir), e.details && (hideDeep(e.details, dataDir) as Record<string, unknown>));
      }
    }) as never;
  }
  return out as unknown as Handlers;
}
