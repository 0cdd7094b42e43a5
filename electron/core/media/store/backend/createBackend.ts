import type { Logger } from '../../../ports';
import { S3Backend, type S3Credentials } from './s3Backend';
import { parseStoreUrl, type StoreConfig } from './storeUrl';

/**
 * The configured store: `storeUrl` (the `--store-url` flag) else CIRCLETAKE_STORE_URL, else the local
 * folders (undefined: MediaStore's default). A bad URL is VALIDATION naming where it came from.
 */
export function storeConfigFrom(storeUrl: string | undefined, env: NodeJS.ProcessEnv = process.env): StoreConfig {
  return storeUrl !== undefined ? parseStoreUrl(storeUrl, env, '--store-url') : parseStoreUrl(env.CIRCLETAKE_STORE_URL, env, 'CIRCLETAKE_STORE_URL');
}

export function createBackend(cfg: StoreConfig, logger: Logger, credentials?: S3Credentials): S3Backend | undefined {
  return cfg.kind === 's3' ? new S3Backend(cfg, { logger, ...(credentials ? { credentials } : {}) }) : undefined;
}
