import type { Core } from '../core/createCore';
import { startHost, type RunningHost } from '../host/server';

/**
 * "Share for review" in the Electron window: the first link made starts the review server (the
 * browser host's server, on the LAN, serving the same built renderer); reviewers open it in a
 * browser. Nothing listens until a link is asked for. Returns the stop for quit.
 */
export function serveReviewsOnDemand(core: Core, rendererDir: string): () => Promise<void> {
  let host: Promise<RunningHost> | null = null;
  core.reviewLinks.serveAt({
    baseUrls: async () => {
      host ??= startHost({ core, rendererDir, lan: true });
      const h = await host;
      return { local: h.url, lan: h.lanUrls };
    },
  });
  return async () => {
    if (host) await (await host).close();
  };
}
