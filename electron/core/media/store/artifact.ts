import type { ArtifactDto } from '../../../../shared/contract/media';
import { AppError } from '../../../../shared/errors';
import type { ArtifactClass } from '../../../../shared/money/params';

/**
 * Stored clips. PreviewArtifact and ReleaseArtifact are different (branded) types: only MediaStore
 * mints them, so code that asks for a ReleaseArtifact cannot be handed a preview, nor a hand-built
 * object. Export and publish also check at runtime (`requireRelease`), and a preview is never promoted.
 */
declare const previewBrand: unique symbol;
declare const releaseBrand: unique symbol;

interface ArtifactFields {
  readonly id: string;
  readonly projectId: string;
  readonly jobId: string;
  readonly n: number;
  readonly sha256: string;
  readonly sizeBytes: number;
  /** ms since the epoch. */
  readonly createdAt: number;
  /** When retention removed the file; null while the file exists. */
  readonly sweptAt: number | null;
}

export type PreviewArtifact = ArtifactFields & { readonly class: 'preview'; readonly [previewBrand]: true };
export type ReleaseArtifact = ArtifactFields & { readonly class: 'release'; readonly [releaseBrand]: true };
export type StoredArtifact = PreviewArtifact | ReleaseArtifact;

/** Store-internal: builds the branded value from a row. Only the store and its repo call this. */
export function mintArtifact(fields: ArtifactFields & { class: ArtifactClass }): StoredArtifact {
  return Object.freeze({ ...fields }) as StoredArtifact;
}

export function isRelease(a: StoredArtifact): a is ReleaseArtifact {
  return a.class === 'release';
}

/**
 * Runtime guard for export, stitch and publish: refuses anything that is not a release artifact,
 * whatever its static type claimed.
 */
export function requireRelease(a: unknown, action: string): ReleaseArtifact {
  const cls = (a as { class?: unknown } | null)?.class;
  if (cls === 'release') return a as ReleaseArtifact;
  const id = (a as { id?: unknown } | null)?.id;
  throw new AppError(
    'POLICY_REFUSED',
    cls === 'preview'
      ? `${action} takes release artifacts only, and ${String(id)} is a preview. Finalize the take to render it at release spec; a preview is never promoted.`
      : `${action} takes release artifacts only; ${String(id ?? 'this value')} is not one.`,
    { artifactId: id ?? null, class: cls ?? null, rule: 'release-only' },
  );
}

export function toDto(a: StoredArtifact): ArtifactDto {
  return {
    id: a.id,
    class: a.class,
    projectId: a.projectId,
    jobId: a.jobId,
    n: a.n,
    sha256: a.sha256,
    sizeBytes: a.sizeBytes,
    createdAt: a.createdAt,
    sweptAt: a.sweptAt,
  };
}
