import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../../../../shared/errors';
import type { Logger } from '../../../ports';
import { fullJitterDelayMs, type BackoffPolicy } from '../../../queue/resilience/backoff';
import { mathRng } from '../../../queue/resilience/rng';
import type { ArtifactClass } from '../../../../../shared/money/params';
import { sha256File } from '../fileOps';
import { HashMismatchError, hashGate } from './hashGate';
import type { ByteRange, DeleteOutcome, ObjectBackend, ObjectInfo, StagedObject } from './objectBackend';
import { checksumMismatch, s3Error, type S3ErrorContext } from './s3Errors';
import { describeStore, type S3StoreConfig } from './storeUrl';

/**
 * The S3 backend (AWS S3, R2, MinIO, B2, s3rver — anything that speaks the S3 API), with the official
 * SDK v3. Keys: `{prefix}{class}/{key}`; the store gives content-addressed keys (`{sha256}.mp4`).
 *
 * - stage hashes the file (one streaming pass); commit streams it again through `hashGate`, so the
 *   request is cut before its last bytes if they no longer hash to the staged sha256 — the object never
 *   appears. Up to MULTIPART_FROM bytes: one PutObject with `x-amz-checksum-sha256` (the server checks
 *   it where it supports it); above: lib-storage's Upload, parts of PART_SIZE with per-part SHA256
 *   checksums, QUEUE parts in flight — at most PART_SIZE × QUEUE bytes in memory whatever the size.
 * - The sha256 is also recorded as object metadata (`x-amz-meta-sha256`).
 * - The SDK retries throttling, 5xx and resets (maxAttempts); everything else is mapped by s3Errors.
 */
export const MULTIPART_FROM = 64 * 1024 * 1024;
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE = 2;
const DELETE_BATCH = 1000;
/** Our own retries of a whole upload (the SDK does not retry a streamed body): transient causes only. */
const UPLOAD_RETRY: BackoffPolicy = { initialMs: 250, maxMs: 4_000, maxRetries: 3 };
const TRANSIENT = new Set(['unreachable', 'slow-down', 'reset']);

type Sdk = typeof import('@aws-sdk/client-s3');
/** The SDK, loaded on first use: it costs ~0.1 s to load, and most processes (a CLI command, a desktop on local folders) never reach a bucket. */
let sdkLoad: Promise<{ sdk: Sdk; Upload: typeof import('@aws-sdk/lib-storage').Upload }> | undefined;
const loadSdk = () => (sdkLoad ??= Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage')]).then(([sdk, lib]) => ({ sdk, Upload: lib.Upload })));

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

interface UploadSource {
  file: string;
  sha256: string;
  sizeBytes: number;
  contentType: string;
}

export class S3Backend implements ObjectBackend {
  readonly kind = 's3' as const;
  readonly where: string;
  readonly label: string;
  private readonly clientConfig: S3ClientConfig;
  private made?: Promise<{ sdk: Sdk; client: S3Client; Upload: typeof import('@aws-sdk/lib-storage').Upload }>;
  private isDisposed = false;
  private readonly secrets: string[];
  private readonly multipartFrom: number;

  constructor(
    private readonly cfg: S3StoreConfig,
    opts: { credentials?: S3Credentials; maxAttempts?: number; multipartFromBytes?: number; logger?: Logger } = {},
  ) {
    this.multipartFrom = opts.multipartFromBytes ?? MULTIPART_FROM;
    // The SDK warns once per process about Node 20 on stderr; that is noise for the CLI's parsers.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.where = `${cfg.endpoint ?? 'AWS'} (region ${cfg.region})`;
    this.label = describeStore(cfg);
    const creds = opts.credentials;
    this.secrets = [creds?.accessKeyId, creds?.secretAccessKey, process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SECRET_ACCESS_KEY].filter(
      (s): s is string => typeof s === 'string' && s.length > 0,
    );
    this.clientConfig = {
      region: cfg.region,
      ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
      forcePathStyle: cfg.isPathStyle,
      ...(creds ? { credentials: creds } : {}),
      maxAttempts: opts.maxAttempts ?? 4,
      // We send our own full-object SHA256; no CRC trailers (not every S3-compatible server takes them).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
      // The SDK's own warnings go to our log (debug), never straight to the console/stderr.
      logger: quietLogger(opts.logger),
    };
  }

  /** The SDK and this store's client, made on first use (the SDK loaded once per process). */
  private s3(): Promise<{ sdk: Sdk; client: S3Client; Upload: typeof import('@aws-sdk/lib-storage').Upload }> {
    return (this.made ??= loadSdk().then(({ sdk, Upload }) => {
      const client = new sdk.S3Client(this.clientConfig);
      if (this.isDisposed) client.destroy();
      return { sdk, client, Upload };
    }));
  }

  objectKey(cls: ArtifactClass, key: string): string {
    return `${this.cfg.prefix}${cls}/${key}`;
  }

  locationOf(cls: ArtifactClass, key: string): string {
    return `s3://${this.cfg.bucket}/${this.objectKey(cls, key)}`;
  }

  async stage(cls: ArtifactClass, fromFile: string, signal?: AbortSignal): Promise<StagedObject> {
    const [sha256, st] = await Promise.all([sha256File(fromFile, signal), stat(fromFile)]);
    return {
      sha256,
      sizeBytes: st.size,
      commit: (key, contentType, sig) => this.uploadWithRetries(cls, key, { file: fromFile, sha256, sizeBytes: st.size, contentType }, sig),
      discard: () => Promise.resolve(),
    };
  }

  async get(cls: ArtifactClass, key: string, range?: ByteRange, signal?: AbortSignal): Promise<Readable> {
    const ctx = this.ctx(`read ${this.locationOf(cls, key)}`);
    try {
      const { sdk, client } = await this.s3();
      const r = await client.send(
        new sdk.GetObjectCommand({ Bucket: this.cfg.bucket, Key: this.objectKey(cls, key), ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
        signal ? { abortSignal: signal } : {},
      );
      return r.Body as Readable;
    } catch (e) {
      if ((e as { name?: string }).name === 'NoSuchKey') throw new AppError('NOT_FOUND', `${this.locationOf(cls, key)} is not in the bucket.`, { key });
      throw s3Error(e, ctx);
    }
  }

  async head(cls: ArtifactClass, key: string): Promise<{ sizeBytes: number } | null> {
    try {
      const { sdk, client } = await this.s3();
      const r = await client.send(new sdk.HeadObjectCommand({ Bucket: this.cfg.bucket, Key: this.objectKey(cls, key) }));
      return { sizeBytes: r.ContentLength ?? 0 };
    } catch (e) {
      if ((e as { name?: string }).name === 'NotFound' || (e as { name?: string }).name === 'NoSuchKey') return null;
      throw s3Error(e, this.ctx(`look up ${this.locationOf(cls, key)}`));
    }
  }

  async deleteMany(cls: ArtifactClass, keys: readonly string[]): Promise<DeleteOutcome> {
    const out: DeleteOutcome = { deleted: [], failed: [] };
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      try {
        const { sdk, client } = await this.s3();
        const r = await client.send(
          new sdk.DeleteObjectsCommand({ Bucket: this.cfg.bucket, Delete: { Quiet: true, Objects: batch.map((k) => ({ Key: this.objectKey(cls, k) })) } }),
        );
        const failed = new Map((r.Errors ?? []).map((x) => [x.Key ?? '', x.Code ?? 'Error']));
        for (const k of batch) {
          const why = failed.get(this.objectKey(cls, k));
          if (why === undefined) out.deleted.push(k);
          else out.failed.push({ key: k, reason: why });
        }
      } catch (e) {
        const reason = s3Error(e, this.ctx(`delete ${batch.length} objects`)).message;
        for (const k of batch) out.failed.push({ key: k, reason });
      }
    }
    return out;
  }

  async *list(cls: ArtifactClass): AsyncIterable<ObjectInfo> {
    const prefix = this.objectKey(cls, '');
    let token: string | undefined;
    const { sdk, client } = await this.s3().catch((e: unknown) => {
      throw s3Error(e, this.ctx(`list ${this.locationOf(cls, '')}`));
    });
    do {
      const r = await client
        .send(new sdk.ListObjectsV2Command({ Bucket: this.cfg.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }))
        .catch((e: unknown) => {
          throw s3Error(e, this.ctx(`list ${this.locationOf(cls, '')}`));
        });
      for (const o of r.Contents ?? []) {
        if (o.Key) yield { key: o.Key.slice(prefix.length), sizeBytes: o.Size ?? 0, lastModified: o.LastModified?.getTime() ?? 0 };
      }
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
  }

  /** doctor: the bucket exists, and a probe object can be written, read back and deleted. */
  async probe(): Promise<{ steps: string[] }> {
    const key = `${this.cfg.prefix}.circletake-probe-${randomBytes(6).toString('hex')}`;
    const body = `circletake probe ${Date.now()}`;
    const steps: string[] = [];
    const { sdk, client } = await this.s3();
    const step = async <T>(doing: string, fn: () => Promise<T>): Promise<T> => {
      try {
        const v = await fn();
        steps.push(doing);
        return v;
      } catch (e) {
        throw s3Error(e, this.ctx(doing));
      }
    };
    await step(`check the bucket "${this.cfg.bucket}"`, () => client.send(new sdk.HeadBucketCommand({ Bucket: this.cfg.bucket })));
    await step('write a probe object', () => client.send(new sdk.PutObjectCommand({ Bucket: this.cfg.bucket, Key: key, Body: body, ContentType: 'text/plain' })));
    try {
      const read = await step('read the probe object back', async () => {
        const r = await client.send(new sdk.GetObjectCommand({ Bucket: this.cfg.bucket, Key: key }));
        return r.Body ? await r.Body.transformToString() : '';
      });
      if (read !== body) throw new AppError('IO_FAILED', `The probe object read back from bucket "${this.cfg.bucket}" differs from what was written. Check the store at ${this.where}.`, { reason: 'probe' });
    } finally {
      await step('delete the probe object', () => client.send(new sdk.DeleteObjectCommand({ Bucket: this.cfg.bucket, Key: key })));
    }
    return { steps };
  }

  dispose(): void {
    this.isDisposed = true;
    // A failed first use (the SDK did not load, the client could not be made) was answered to its caller; not again here.
    void this.made?.then(({ client }) => client.destroy(), () => undefined);
  }

  private async uploadWithRetries(cls: ArtifactClass, key: string, src: UploadSource, signal?: AbortSignal): Promise<void> {
    for (let retry = 0; ; retry++) {
      try {
        return await this.upload(cls, key, src, signal);
      } catch (e) {
        const reason = (e as AppError).details?.reason;
        if (!(e instanceof AppError) || !TRANSIENT.has(String(reason)) || retry >= UPLOAD_RETRY.maxRetries) throw e;
        await sleep(fullJitterDelayMs(UPLOAD_RETRY, retry, mathRng), undefined, signal ? { signal } : {}).catch(() => undefined);
        if (signal?.aborted) throw new AppError('CANCELLED', 'Upload cancelled; nothing was stored.');
      }
    }
  }

  private async upload(cls: ArtifactClass, key: string, src: UploadSource, signal?: AbortSignal): Promise<void> {
    const ctx = this.ctx(`store ${this.locationOf(cls, key)}`);
    // One controller cuts the request for a cancel, a read error or a hash mismatch (pipe() alone would
    // leave the request waiting for bytes that never come).
    const ac = new AbortController();
    const onAbort = () => ac.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const source = createReadStream(src.file, { highWaterMark: 1024 * 1024 });
    const body = hashGate(src.sha256, src.sizeBytes);
    source.on('error', (e) => body.destroy(e));
    body.on('error', onAbort);
    source.pipe(body);
    const base = { Bucket: this.cfg.bucket, Key: this.objectKey(cls, key), Body: body, ContentType: src.contentType, Metadata: { sha256: src.sha256 } };
    try {
      const { sdk, client, Upload } = await this.s3();
      if (src.sizeBytes < this.multipartFrom) {
        const checksum = Buffer.from(src.sha256, 'hex').toString('base64');
        await client.send(new sdk.PutObjectCommand({ ...base, ContentLength: src.sizeBytes, ChecksumSHA256: checksum }), { abortSignal: ac.signal });
      } else {
        const params = { ...base, ChecksumAlgorithm: 'SHA256' as const };
        await new Upload({ client, params, partSize: PART_SIZE, queueSize: QUEUE, leavePartsOnError: false, abortController: ac }).done();
      }
    } catch (e) {
      const mismatch = body.errored instanceof HashMismatchError ? body.errored : null;
      if (mismatch) throw checksumMismatch(ctx, mismatch.expected, mismatch.got);
      if (signal?.aborted) throw new AppError('CANCELLED', 'Upload cancelled; nothing was stored.');
      throw s3Error(body.errored ?? source.errored ?? e, ctx);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      source.destroy();
      body.destroy();
    }
  }

  private ctx(doing: string): S3ErrorContext {
    return { bucket: this.cfg.bucket, where: this.where, doing, secrets: this.secrets };
  }
}

function quietLogger(log?: Logger): { trace: () => void; debug: () => void; info: () => void; warn: (...a: unknown[]) => void; error: (...a: unknown[]) => void } {
  const to = (...a: unknown[]) => log?.log('debug', 'object store SDK', { message: a.map(String).join(' ').slice(0, 300) });
  return { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: to, error: to };
}
