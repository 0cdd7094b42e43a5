import type { StoreStatus } from '../../../../shared/contract/system';
import type { MediaStore } from './mediaStore';

/** doctor's media-store line: which backend holds new clips, and whether a probe object can be written, read back and deleted. */
export async function probeStore(media: MediaStore): Promise<StoreStatus> {
  const b = media.backend;
  try {
    const { steps } = await b.probe();
    return { kind: b.kind, where: b.label, ok: true, steps };
  } catch (e) {
    const setting = (e as { details?: { setting?: unknown } }).details?.setting;
    return { kind: b.kind, where: b.label, ok: false, error: (e as Error).message, ...(typeof setting === 'string' ? { setting } : {}) };
  }
}
