import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { AppError } from '../../shared/errors';
import { isLoopbackAddress } from './reviewAccess';

/**
 * Where a host listens and who it believes a request came from. Loopback by default; a studio may bind
 * any address, but only with TLS or behind a trusted reverse proxy (the proxy terminates TLS). Headers
 * a client can forge (X-Forwarded-For, X-Forwarded-Proto) count only from a peer named as a trusted proxy.
 */

/** A peer address without its IPv4-mapped prefix (`::ffff:10.0.0.1` → `10.0.0.1`). */
export function plainAddress(addr: string | undefined): string {
  if (!addr) return '';
  return addr.startsWith('::ffff:') && isIP(addr.slice(7)) === 4 ? addr.slice(7) : addr;
}

/** The trusted proxies (addresses or CIDR blocks, IPv4 or IPv6); a bad entry is named with the flag. */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly size: number;

  constructor(entries: readonly string[], flag = '--trusted-proxy') {
    for (const raw of entries) {
      const entry = raw.trim();
      const [base, bitsText, extra] = entry.split('/');
      const family = isIP(base ?? '');
      const bits = bitsText === undefined ? null : Number(bitsText);
      const max = family === 4 ? 32 : 128;
      if (!base || family === 0 || extra !== undefined || (bits !== null && (!Number.isInteger(bits) || bits < 0 || bits > max || bitsText === ''))) {
        throw new AppError('VALIDATION', `${flag} "${raw}" is not an IP address or CIDR block (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8).`, { field: flag.replace(/^--/, '') });
      }
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (bits === null) this.list.addAddress(base, type);
      else this.list.addSubnet(base, bits, type);
    }
    this.size = entries.length;
  }

  has(addr: string | undefined): boolean {
    const a = plainAddress(addr);
    const family = isIP(a);
    return family !== 0 && this.list.check(a, family === 4 ? 'ipv4' : 'ipv6');
  }
}

export interface Peer {
  /** The client's address: the TCP peer, or (from a trusted proxy) the nearest untrusted X-Forwarded-For hop. */
  address: string;
  /** http or https as the client sees it: TLS here, or X-Forwarded-Proto from a trusted proxy. */
  proto: 'http' | 'https';
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

/**
 * Who sent the request. The forwarded headers are read only when the TCP peer is a trusted proxy; the
 * chain is walked from the right (the hop nearest us), skipping trusted proxies, so a client cannot
 * name itself by prepending an address.
 */
export function peerOf(req: IncomingMessage, proxies: TrustedProxies | null, isTls: boolean): Peer {
  const tcp = plainAddress(req.socket.remoteAddress);
  const direct: Peer = { address: tcp, proto: isTls ? 'https' : 'http' };
  if (!proxies || !proxies.has(tcp)) return direct;
  const hops = (header(req, 'x-forwarded-for') ?? '').split(',').map((h) => plainAddress(h.trim())).filter((h) => isIP(h) !== 0);
  let address = tcp;
  for (let i = hops.length - 1; i >= 0; i--) {
    address = hops[i]!;
    if (!proxies.has(address)) break;
  }
  const protos = (header(req, 'x-forwarded-proto') ?? '').split(',').map((p) => p.trim().toLowerCase());
  const last = protos.at(-1);
  const proto = last === 'https' || last === 'http' ? last : direct.proto;
  return { address, proto };
}

/** True when the address binds loopback only (127.0.0.0/8, ::1, localhost). */
export function isLoopbackBind(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host);
}

/**
 * A bind beyond loopback carries tokens over the network: refused unless TLS is on or a trusted proxy
 * terminates it. The message is the way out.
 */
export function checkBind(host: string, isTls: boolean, proxies: TrustedProxies | null): void {
  if (isLoopbackBind(host) || isTls || (proxies && proxies.size > 0)) return;
  throw new AppError(
    'VALIDATION',
    `--host ${host} would serve tokens over plain HTTP to the network. Add TLS (--cert FILE --key FILE), or run behind a reverse proxy that terminates TLS and name it with --trusted-proxy ADDRESS, or bind 127.0.0.1.`,
    { field: 'host' },
  );
}
