import { AppError } from '../../../../../shared/errors';

/**
 * Which backend holds the preview and release stores: `CIRCLETAKE_STORE_URL` or `--store-url`.
 *
 *   (unset) or `local`                                   the folders in the data dir (default)
 *   s3://bucket/prefix?endpoint=https://…&region=…&pathStyle=1
 *
 * `endpoint` falls back to AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL (none: AWS itself), `region` to
 * AWS_REGION / AWS_DEFAULT_REGION (else us-east-1). Credentials never travel in the URL: the SDK's
 * own chain reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or AWS_PROFILE, SSO, instance roles).
 */
export interface S3StoreConfig {
  kind: 's3';
  bucket: string;
  /** '' or ending in '/'. */
  prefix: string;
  endpoint: string | null;
  region: string;
  isPathStyle: boolean;
}

export type StoreConfig = { kind: 'local' } | S3StoreConfig;

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const OPTIONS = new Set(['endpoint', 'region', 'pathStyle']);

export function parseStoreUrl(raw: string | undefined, env: NodeJS.ProcessEnv = process.env, field = 'storeUrl'): StoreConfig {
  const text = (raw ?? '').trim();
  if (text === '' || text === 'local') return { kind: 'local' };
  const bad = (why: string): AppError =>
    new AppError('VALIDATION', `${field} ${why}. Use s3://bucket/prefix?endpoint=https://host&region=r&pathStyle=1, or leave it unset for the local folders.`, {
      field,
    });
  if (/^s3:\/\/[^/?#]*\/(?:[^?#]*\/)?\.{1,2}(?:[/?#]|$)/.test(text)) throw bad('has "." or ".." in its prefix');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad('is not a URL');
  }
  if (url.protocol !== 's3:') throw bad(`must start with s3:// (got ${url.protocol.replace(/:$/, '')}://)`);
  if (url.username || url.password) {
    throw new AppError('VALIDATION', `${field} must not carry credentials. Remove them from the URL and set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) instead.`, {
      field,
    });
  }
  const bucket = url.hostname;
  if (!BUCKET.test(bucket)) throw bad(`names the bucket "${bucket.slice(0, 70)}", which is not a valid bucket name (3–63 lower-case letters, digits, dots and hyphens)`);
  for (const k of url.searchParams.keys()) if (!OPTIONS.has(k)) throw bad(`has an unknown option "${k.slice(0, 40)}" (known: endpoint, region, pathStyle)`);
  const segments = decodeURIComponent(url.pathname).split('/').filter(Boolean);
  if (segments.some((s) => s === '.' || s === '..')) throw bad('has "." or ".." in its prefix');
  const prefix = segments.length ? `${segments.join('/')}/` : '';
  const endpoint = url.searchParams.get('endpoint') ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL ?? null;
  if (endpoint !== null) {
    let e: URL;
    try {
      e = new URL(endpoint);
    } catch {
      throw bad(`has an endpoint that is not a URL`);
    }
    if (e.protocol !== 'http:' && e.protocol !== 'https:') throw bad('has an endpoint that is not http(s)');
    if (e.username || e.password) throw bad('has credentials in its endpoint; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead');
  }
  const ps = url.searchParams.get('pathStyle');
  if (ps !== null && !['1', '0', 'true', 'false'].includes(ps)) throw bad('has pathStyle that is not 1, 0, true or false');
  return {
    kind: 's3',
    bucket,
    prefix,
    endpoint,
    region: url.searchParams.get('region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    isPathStyle: ps === '1' || ps === 'true',
  };
}

/** For doctor and logs: where the objects are, never a credential. */
export function describeStore(c: StoreConfig): string {
  if (c.kind === 'local') return 'local folders in the data dir';
  const parts = [c.endpoint ? `endpoint ${c.endpoint}` : 'AWS', `region ${c.region}`, ...(c.isPathStyle ? ['path-style'] : [])];
  return `s3://${c.bucket}/${c.prefix} (${parts.join(', ')})`;
}
