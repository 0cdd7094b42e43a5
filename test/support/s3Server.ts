import { connect, createServer, type Server, type Socket } from 'node:net';
import S3rver from 's3rver';
import { S3Client } from '@aws-sdk/client-s3';
import type { S3Credentials } from '../../electron/core/media/store/backend/s3Backend';
import { tempDir } from './tmp';

/**
 * A real S3-compatible server for tests: s3rver on 127.0.0.1 (port 0, a temp folder), with one bucket,
 * behind a small TCP proxy that can be taken down (every connection cut, new ones refused) to inject
 * an unreachable store or a reset mid-request. `url(prefix)` is a --store-url for it; `raw` is a plain
 * SDK client on the server itself (for checking and tampering with objects behind the app's back).
 */
export interface TestS3 {
  bucket: string;
  endpoint: string;
  credentials: S3Credentials;
  url(prefix?: string, over?: { bucket?: string; endpoint?: string }): string;
  raw: S3Client;
  setDown(isDown: boolean): void;
  close(): Promise<void>;
}

export async function startS3(bucket = 'circletake-test'): Promise<TestS3> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dir = tempDir('ct-s3-');
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir.dir, silent: true, configureBuckets: [{ name: bucket }] });
  const { port: s3Port } = await server.run();
  const sockets = new Set<Socket>();
  let isDown = false;
  const proxy: Server = createServer((client) => {
    if (isDown) return void client.destroy();
    const upstream = connect(s3Port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
  const port = (proxy.address() as { port: number }).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const raw = new S3Client({ endpoint: `http://127.0.0.1:${s3Port}`, region: 'us-east-1', forcePathStyle: true, credentials });
  return {
    bucket,
    endpoint,
    credentials,
    raw,
    url: (prefix = 'studio', over = {}) =>
      `s3://${over.bucket ?? bucket}/${prefix}?endpoint=${encodeURIComponent(over.endpoint ?? endpoint)}&region=us-east-1&pathStyle=1`,
    setDown(down) {
      isDown = down;
      if (down) for (const s of sockets) s.destroy();
    },
    async close() {
      raw.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((ok) => proxy.close(() => ok()));
      await server.close();
      dir.cleanup();
    },
  };
}
