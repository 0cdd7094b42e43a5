import { isIPv4, isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { hears, MEDIA_ACCESS, type Role } from '../../shared/contract';
import type { ArtifactClass } from '../../shared/money/params';

/**
 * Pure decisions of the review server (the browser host with member, reviewer and producer tokens):
 * which events each role hears and which media class it may stream (both from the access table in
 * shared/contract/access.ts), and which peers may connect.
 */

/** Whether a session of `role` hears `event` (shared/contract/access.ts; an unlisted event: the owner only). */
export function hearsEvent(role: Role, event: string): boolean {
  return hears(role, event);
}

/** The media class a role may stream: undefined when it may stream every class (reviewers: previews only). */
export function mediaClassFor(role: Role): ArtifactClass | undefined {
  const classes = MEDIA_ACCESS[role];
  return classes.length === 1 ? classes[0] : undefined;
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(addr: string | undefined): boolean {
  if (!addr) return false;
  const a = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  if (isIPv4(a)) return a.startsWith('127.');
  return a === '::1';
}

/** An IPv4 address as a 32-bit number. */
function ipv4ToInt(a: string): number {
  return a.split('.').reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
}

/** True when the IPv4 address lies in the CIDR block (e.g. "192.168.1.0/24"). */
export function inSubnet(addr: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!base || !isIPv4(base) || !isIPv4(addr) || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (ipv4ToInt(addr) & mask) === (ipv4ToInt(base) & mask);
}

/**
 * Peers a LAN review accepts: loopback, an IPv4 address on one of this machine's own subnets, or an
 * IPv6 link-local (fe80::/10) or unique-local (fc00::/7) address. Anything routed in from beyond the
 * local network is refused, token or not.
 */
export function isLanPeer(addr: string | undefined, subnets: readonly string[]): boolean {
  if (!addr) return false;
  if (isLoopbackAddress(addr)) return true;
  const a = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  if (isIPv4(a)) return subnets.some((c) => inSubnet(a, c));
  if (isIPv6(a)) {
    const first = parseInt(a.split(':')[0] || '0', 16);
    return (first & 0xffc0) === 0xfe80 || (first & 0xfe00) === 0xfc00;
  }
  return false;
}

/** This machine's non-loopback IPv4 interfaces: the addresses a LAN review prints, and their subnets. */
export function lanInterfaces(): { address: string; cidr: string }[] {
  const out: { address: string; cidr: string }[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) {
      if (i.family === 'IPv4' && !i.internal && i.cidr) out.push({ address: i.address, cidr: i.cidr });
    }
  }
  return out;
}
