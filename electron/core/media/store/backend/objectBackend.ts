import type { Readable } from 'node:stream';
import type { ArtifactClass } from '../../../../../shared/money/params';

/**
 * The seam under MediaStore: where a class's bytes live. Two backends — the local folders under the
 * data dir (the default, `localBackend.ts`) and an S3-compatible bucket (`s3Backend.ts`).
 *
 * A put is two steps so a store can decide the key after seeing the content (dedup, content
 * addressing) without reading the file twice more than it must:
 *
 *   const staged = await backend.stage(cls, fromFile, signal); // → sha256, size (nothing visible yet)
 *   await staged.commit(key, signal);                           // the object appears, verified, or throws
 *   await staged.discard();                                     // always: removes what stage left behind
 *
 * `commit` streams (never a whole file in memory) and checks that the bytes written hash to the
 * staged sha256; on a mismatch or any failure nothing is left under the key. Keys are relative to the
 * class (`{projectId}/{day}/{jobId}-{n}.mp4` locally, `{sha256}.{ext}` in a bucket).
 */
export type BackendKind = 'local' | 's3';

/** Inclusive byte range, as in HTTP. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface ObjectInfo {
  key: string;
  sizeBytes: number;
  /** ms since the epoch. */
  lastModified: number;
}

export interface StagedObject {
  readonly sha256: string;
  readonly sizeBytes: number;
  commit(key: string, contentType: string, signal?: AbortSignal): Promise<void>;
  discard(): Promise<void>;
}

export interface DeleteOutcome {
  deleted: string[];
  failed: { key: string; reason: string }[];
}

export interface ObjectBackend {
  readonly kind: BackendKind;
  /** Where the objects live, for errors and logs. Never a credential. */
  readonly where: string;
  /** For doctor: the store as configured (s3://bucket/prefix/ (endpoint, region, path-style)). */
  readonly label: string;
  stage(cls: ArtifactClass, fromFile: string, signal?: AbortSignal): Promise<StagedObject>;
  /** A stream of the object's bytes (or of `range`). NOT_FOUND when the object is missing. */
  get(cls: ArtifactClass, key: string, range?: ByteRange, signal?: AbortSignal): Promise<Readable>;
  head(cls: ArtifactClass, key: string): Promise<{ sizeBytes: number } | null>;
  /** Deletes in batches; a key that fails is reported, never thrown, so the caller can retry it later. */
  deleteMany(cls: ArtifactClass, keys: readonly string[]): Promise<DeleteOutcome>;
  list(cls: ArtifactClass): AsyncIterable<ObjectInfo>;
  /** doctor: writes, reads back and deletes a probe object; throws the store's AppError. */
  probe(): Promise<{ steps: string[] }>;
  /** The display location of one object (a path, or s3://bucket/prefix/class/key). */
  locationOf(cls: ArtifactClass, key: string): string;
  dispose(): void;
}

/** Content-addressed key of a clip in a bucket. */
export const casKey = (sha256: string, ext: string): string => `${sha256}.${ext}`;
export const CAS_KEY = /^[0-9a-f]{64}\.(mp4|mov|webm|mkv)$/;
