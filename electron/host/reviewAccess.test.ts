import { describe, expect, it } from 'vitest';
import { hearsEvent, inSubnet, isLanPeer, isLoopbackAddress, mediaClassFor } from './reviewAccess';

describe('review server decisions', () => {
  it('knows loopback in its IPv4, IPv6 and mapped spellings', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['192.168.1.2', '::ffff:10.0.0.1', 'fe80::1', '', undefined, 'localhost', '1127.0.0.1']) expect(isLoopbackAddress(a), String(a)).toBe(false);
  });

  it('takes LAN peers from this machine’s subnets (and IPv6 link-local / unique-local) only', () => {
    const subnets = ['192.168.1.20/24', '10.4.0.7/16'];
    for (const a of ['192.168.1.99', '::ffff:192.168.1.1', '10.4.255.1', '127.0.0.1', 'fe80::abcd', 'fd12::1']) expect(isLanPeer(a, subnets), a).toBe(true);
    for (const a of ['192.168.2.1', '10.5.0.1', '8.8.8.8', '2001:db8::1', '::ffff:8.8.8.8', undefined]) expect(isLanPeer(a, subnets), String(a)).toBe(false);
    expect(inSubnet('203.0.113.9', '203.0.113.0/24')).toBe(true);
    expect(inSubnet('203.0.114.9', '203.0.113.0/24')).toBe(false);
    expect(inSubnet('1.2.3.4', '0.0.0.0/0')).toBe(true);
    expect(inSubnet('1.2.3.4', 'nonsense')).toBe(false);
  });

  it('tells reviewers board events only, producers money and queue too; an unlisted event only the owner', () => {
    expect(hearsEvent('reviewer', 'board.changed')).toBe(true);
    expect(hearsEvent('reviewer', 'credits.changed')).toBe(false);
    expect(hearsEvent('reviewer', 'jobs.changed')).toBe(false);
    expect(hearsEvent('producer', 'credits.changed')).toBe(true);
    expect(hearsEvent('producer', 'some.newEvent')).toBe(false);
    expect(hearsEvent('owner', 'some.newEvent')).toBe(true);
    expect(hearsEvent('filmmaker', 'jobs.progressed')).toBe(true);
    expect(hearsEvent('filmmaker', 'export.progressed')).toBe(false);
    expect(hearsEvent('admin', 'studio.changed')).toBe(true);
    expect(hearsEvent('producer', 'studio.changed')).toBe(false);
  });

  it('lets reviewers stream previews only', () => {
    expect(mediaClassFor('reviewer')).toBe('preview');
    expect(mediaClassFor('producer')).toBeUndefined();
    expect(mediaClassFor('owner')).toBeUndefined();
    expect(mediaClassFor('filmmaker')).toBeUndefined();
  });
});
