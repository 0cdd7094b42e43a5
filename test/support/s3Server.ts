import { connect, createServer, type Server, type Socket } from 'node:net';
import S3rver from 's3rver';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { S3Credentials } from '../../electron/core/media/store/backend/s3Backend';
import { tempDir } from './tmp';

/**
 * A real S3-compatible server for tests: s3rver on 127.0.0.1 (port 0, a temp folder), with one bucket,
 * behind a small TCP proxy that can be taken down (every connection cut, new ones refused) to inject
 * an unreachable store, or armed with faults for the next connections: an S3 error answer (503
 * SlowDown, 403 RequestTimeTooSkewed …) after reading the whole request, or a reset after N bytes of a
 * request. `url(prefix)` is a --store-url for it; `raw` is a plain SDK client on the server itself (for
 * checking and tampering with objects behind the app's back).
 *
 * CIRCLETAKE_TEST_S3_URL=http://host:port points the suites at another S3-compatible server instead (MinIO,
 * …; plain http, as the fault proxy passes bytes through), with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
 * (and AWS_REGION) for it: each start gets a bucket of its own there, emptied and removed by close().
 */
export type S3Fault = { kind: 'answer'; status: number; code: string } | { kind: 'reset'; afterBytes: number };

export interface TestS3 {
  bucket: string;
  endpoint: string;
  credentials: S3Credentials;
  url(prefix?: string, over?: { bucket?: string; endpoint?: string }): string;
  raw: S3Client;
  setDown(isDown: boolean): void;
  /** The next connections (one fault each, in order) get these; open connections are cut so the client reconnects. */
  armFaults(faults: S3Fault[]): void;
  /** Connections that got a fault so far. */
  faultsServed(): number;
  close(): Promise<void>;
}

interface Upstream {
  host: string;
  port: number;
  bucket: string;
  credentials: S3Credentials;
  region: string;
  stop(raw: S3Client): Promise<void>;
}

async function s3rverUpstream(bucket: string): Promise<Upstream> {
  const dir = tempDir('ct-s3-');
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir.dir, silent: true, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  return {
    host: '127.0.0.1',
    port,
    bucket,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    region: 'us-east-1',
    async stop() {
      await server.close();
      dir.cleanup();
    },
  };
}

async function externalUpstream(url: string, name: string): Promise<Upstream> {
  const u = new URL(url);
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (u.protocol !== 'http:' || !accessKeyId || !secretAccessKey) {
    throw new Error('CIRCLETAKE_TEST_S3_URL must be http://host:port, with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set for that server');
  }
  const bucket = `${name}-${randomBytes(4).toString('hex')}`.slice(0, 63);
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const credentials = { accessKeyId, secretAccessKey };
  const admin = new S3Client({ endpoint: url, region, forcePathStyle: true, credentials });
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  admin.destroy();
  return {
    host: u.hostname,
    port: Number(u.port || 80),
    bucket,
    credentials,
    region,
    async stop(raw) {
      for (;;) {
        const page = await raw.send(new ListObjectsV2Command({ Bucket: bucket }));
        const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
        if (keys.length === 0) break;
        await raw.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
      }
      await raw.send(new DeleteBucketCommand({ Bucket: bucket }));
    },
  };
}

export async function startS3(name = 'circletake-test'): Promise<TestS3> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const external = process.env.CIRCLETAKE_TEST_S3_URL;
  const up = external ? await externalUpstream(external, name) : await s3rverUpstream(name);
  const bucket = up.bucket;
  const sockets = new Set<Socket>();
  let isDown = false;
  const armed: S3Fault[] = [];
  let served = 0;
  const proxy: Server = createServer((client) => {
    if (isDown) return void client.destroy();
    client.on('error', () => undefined);
    const fault = armed.shift();
    if (fault) served++;
    if (fault?.kind === 'answer') return answerWith(client, fault.status, fault.code);
    const upstream = connect(up.port, up.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    if (fault?.kind === 'reset') {
      let seen = 0;
      client.on('data', (d: Buffer) => {
        seen += d.length;
        if (seen > fault.afterBytes) {
          client.resetAndDestroy();
          upstream.destroy();
        }
      });
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
  const port = (proxy.address() as { port: number }).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = up.credentials;
  const raw = new S3Client({ endpoint: `http://${up.host}:${up.port}`, region: up.region, forcePathStyle: true, credentials });
  return {
    bucket,
    endpoint,
    credentials,
    raw,
    url: (prefix = 'studio', over = {}) =>
      `s3://${over.bucket ?? bucket}/${prefix}?endpoint=${encodeURIComponent(over.endpoint ?? endpoint)}&region=${up.region}&pathStyle=1`,
    armFaults(faults) {
      armed.push(...faults);
      for (const s of sockets) s.destroy();
    },
    faultsServed: () => served,
    setDown(down) {
      isDown = down;
      if (down) for (const s of sockets) s.destroy();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((ok) => proxy.close(() => ok()));
      await up.stop(raw).catch(() => undefined);
      raw.destroy();
    },
  };
}

/** Reads one whole HTTP request (head, then content-length bytes), answers an S3 error document, closes. */
function answerWith(client: Socket, status: number, code: string): void {
  let buf = Buffer.alloc(0);
  let need = -1;
  const reply = () => {
    const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected ${code}</Message></Error>`;
    client.end(`HTTP/1.1 ${status} Injected\r\ncontent-type: application/xml\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  };
  client.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    if (need < 0) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString('latin1');
      const len = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      // A client waiting for 100-continue gets the final answer at once (HTTP allows it).
      need = /\r\nexpect:\s*100-continue/i.test(head) ? 0 : end + 4 + (len ? Number(len[1]) : 0);
    }
    if (buf.length >= need) reply();
  });
}
