import { connect, createServer, type Server, type Socket } from 'node:net';
import S3rver from 's3rver';
import { S3Client } from '@aws-sdk/client-s3';
import type { S3Credentials } from '../../electron/core/media/store/backend/s3Backend';
import { tempDir } from './tmp';

/**
 * A real S3-compatible server for tests: s3rver on 127.0.0.1 (port 0, a temp folder), with one bucket,
 * behind a small TCP proxy that can be taken down (every connection cut, new ones refused) to inject
 * an unreachable store, or armed with faults for the next connections: an S3 error answer (503
 * SlowDown, 403 RequestTimeTooSkewed …) after reading the whole request, or a reset after N bytes of a
 * request. `url(prefix)` is a --store-url for it; `raw` is a plain SDK client on the server itself (for
 * checking and tampering with objects behind the app's back).
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

export async function startS3(bucket = 'circletake-test'): Promise<TestS3> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dir = tempDir('ct-s3-');
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir.dir, silent: true, configureBuckets: [{ name: bucket }] });
  const { port: s3Port } = await server.run();
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
    const upstream = connect(s3Port, '127.0.0.1');
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
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const raw = new S3Client({ endpoint: `http://127.0.0.1:${s3Port}`, region: 'us-east-1', forcePathStyle: true, credentials });
  return {
    bucket,
    endpoint,
    credentials,
    raw,
    url: (prefix = 'studio', over = {}) =>
      `s3://${over.bucket ?? bucket}/${prefix}?endpoint=${encodeURIComponent(over.endpoint ?? endpoint)}&region=us-east-1&pathStyle=1`,
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
      raw.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((ok) => proxy.close(() => ok()));
      await server.close();
      dir.cleanup();
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
