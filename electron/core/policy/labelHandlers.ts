import type { Core } from '../createCore';
import type { Handlers } from '../dispatch';

/** The labels.* contract entries: thin calls into AssetLabels. */
export function labelHandlers(core: Pick<Core, 'labels'>): Pick<Handlers, 'labels.list' | 'labels.set' | 'labels.remove' | 'labels.importManifest'> {
  return {
    'labels.list': ({ projectId }) => core.labels.list(projectId),
    'labels.set': ({ projectId, file, label }) => core.labels.set(projectId, file, label),
    'labels.remove': ({ projectId, sha256 }) => core.labels.remove(projectId, sha256),
    'labels.importManifest': ({ projectId, manifestFile }) => core.labels.importManifest(projectId, manifestFile),
  };
}
