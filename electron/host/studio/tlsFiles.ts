import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { UsageError } from '../cliSupport';

/**
 * The certificate chain and key for --cert/--key, read and checked before anything starts: a missing or
 * unreadable file, a file that is not PEM, or a key that does not belong to the certificate is named
 * with its flag (exit 2), so a studio never half-starts on a TLS setting that would fail every handshake.
 */
export function loadTls(cert: string | undefined, key: string | undefined): { cert: Buffer; key: Buffer } | undefined {
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) {
    throw new UsageError(`--cert and --key go together: give both (the PEM certificate chain and its private key), or neither for plain HTTP on loopback`);
  }
  const certPem = readPem(cert, '--cert');
  const keyPem = readPem(key, '--key');
  tryContext({ cert: certPem }, `--cert ${cert} is not a PEM certificate`);
  tryContext({ key: keyPem }, `--key ${key} is not a PEM private key (an encrypted key is not supported: decrypt it first)`);
  tryContext({ cert: certPem, key: keyPem }, `--key ${key} does not belong to --cert ${cert}`);
  return { cert: certPem, key: keyPem };
}

function readPem(file: string, flag: string): Buffer {
  try {
    return readFileSync(resolve(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
    throw new UsageError(`${flag} ${file} cannot be read (${why})`);
  }
}

function tryContext(o: { cert?: Buffer; key?: Buffer }, message: string): void {
  try {
    createSecureContext(o);
  } catch (e) {
    throw new UsageError(`${message}: ${(e as Error).message}`);
  }
}
