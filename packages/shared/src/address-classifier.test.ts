import { describe, expect, it } from 'vitest';
import { classifyAddress, isIpLiteral, parseIPv6 } from './address-classifier.ts';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.10', 'private'],
    ['100.64.0.1', 'shared'],
    ['169.254.1.1', 'link-local'],
    ['169.254.169.254', 'cloud-metadata'],
    ['169.254.170.2', 'cloud-metadata'],
    ['100.100.100.200', 'cloud-metadata'],
    ['168.63.129.16', 'cloud-metadata'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1%eth0', 'link-local'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['ff02::1', 'multicast'],
    ['fd00:ec2::254', 'cloud-metadata'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'cloud-metadata'],
    ['::ffff:10.0.0.1', 'private'],
    ['[::ffff:192.168.1.1]', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'cloud-metadata'],
    ['2001:db8::1', 'reserved'],
    // Reserved by ipaddr.js's table, beyond the hand-kept list it replaced: the retired 6to4 relay
    // anycast block, IETF protocol assignments and the newer documentation prefix.
    ['192.88.99.1', 'reserved'],
    ['2001:1::1', 'reserved'],
    ['3fff::1', 'reserved'],
    ['::8.8.8.8', 'reserved'],
  ])('refuses %s as %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '172.32.0.1',
    '192.169.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('allows public %s', (address) => {
    expect(classifyAddress(address)).toBeNull();
  });

  it('calls anything unparseable invalid rather than allowing it', () => {
    for (const bad of [
      '',
      'localhost',
      '1.2.3',
      '01.2.3.4',
      '256.1.1.1',
      '1:2:3:4:5:6:7:8:9',
      'fe80::1::2',
      '0x7f.0.0.1',
    ])
      expect(classifyAddress(bad), bad).toBe('invalid');
  });

  it('parses the IPv6 forms Node may report', () => {
    expect(parseIPv6('::ffff:1.2.3.4')).toBe(parseIPv6('::ffff:102:304'));
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toBe(0x00010002000300040005000600070008n);
    expect(isIpLiteral('[::1]')).toBe(true);
    expect(isIpLiteral('siem.example.com')).toBe(false);
  });
});
