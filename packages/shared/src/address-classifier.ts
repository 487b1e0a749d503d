/**
 * Decides whether an outbound webhook may connect to an IP address. Pure: the HTTP client calls
 * it with the address it is about to connect to (after DNS), so a name that resolves somewhere
 * else later (DNS rebinding) is judged on what is actually dialled.
 */
export type RefusedClass =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'multicast'
  | 'broadcast'
  | 'cloud-metadata'
  | 'reserved'
  | 'invalid';

interface Range {
  base: bigint;
  bits: number;
  cls: RefusedClass;
}

// Cloud metadata endpoints come first: several sit inside wider ranges and deserve their own name.
const V4_RANGES: [string, number, RefusedClass][] = [
  ['169.254.169.254', 32, 'cloud-metadata'],
  ['169.254.170.2', 32, 'cloud-metadata'],
  ['100.100.100.200', 32, 'cloud-metadata'],
  ['168.63.129.16', 32, 'cloud-metadata'],
  ['192.0.0.192', 32, 'cloud-metadata'],
  ['0.0.0.0', 8, 'unspecified'],
  ['127.0.0.0', 8, 'loopback'],
  ['10.0.0.0', 8, 'private'],
  ['172.16.0.0', 12, 'private'],
  ['192.168.0.0', 16, 'private'],
  ['100.64.0.0', 10, 'shared'],
  ['169.254.0.0', 16, 'link-local'],
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
];

const V6_RANGES: [string, number, RefusedClass][] = [
  ['fd00:ec2::254', 128, 'cloud-metadata'],
  ['fd00:ec2::23', 128, 'cloud-metadata'],
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fe80::', 10, 'link-local'],
  ['fc00::', 7, 'private'],
  ['fec0::', 10, 'private'],
  ['ff00::', 8, 'multicast'],
  ['100::', 64, 'reserved'],
  ['2001:db8::', 32, 'reserved'],
];

const v4Ranges: Range[] = V4_RANGES.map(([a, bits, cls]) => ({ base: parseIPv4(a)!, bits, cls }));
const v6Ranges: Range[] = V6_RANGES.map(([a, bits, cls]) => ({ base: parseIPv6(a)!, bits, cls }));

/** Null when the address may be dialled; otherwise why not. */
export function classifyAddress(address: string): RefusedClass | null {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const v4 = parseIPv4(bare);
  if (v4 !== null) return match(v4, 32, v4Ranges);
  const v6 = parseIPv6(bare.replace(/%.*$/, ''));
  if (v6 === null) return 'invalid';
  const embedded = embeddedIPv4(v6);
  if (embedded !== null) return match(embedded, 32, v4Ranges) ?? (v6 >> 32n === 0n ? 'reserved' : null);
  return match(v6, 128, v6Ranges);
}

export function isIpLiteral(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return parseIPv4(bare) !== null || parseIPv6(bare.replace(/%.*$/, '')) !== null;
}

function match(value: bigint, width: number, ranges: Range[]): RefusedClass | null {
  for (const r of ranges) {
    const shift = BigInt(width - r.bits);
    if (value >> shift === r.base >> shift) return r.cls;
  }
  return null;
}

/**
 * IPv6 forms that carry an IPv4 address the kernel or a NAT64 gateway will dial: mapped
 * (::ffff:a.b.c.d), the deprecated compatible form (::a.b.c.d) and the NAT64 well-known prefix.
 */
function embeddedIPv4(v6: bigint): bigint | null {
  const low = v6 & 0xffffffffn;
  const high = v6 >> 32n;
  if (high === 0xffffn || high === 0n) return v6 === 0n || v6 === 1n ? null : low;
  if (v6 >> 32n === 0x0064ff9b0000000000000000n) return low;
  return null;
}

export function parseIPv4(s: string): bigint | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let out = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out = (out << 8n) | BigInt(n);
  }
  return out;
}

export function parseIPv6(s: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.length > 45) return null;
  let tail: bigint[] = [];
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = [v4 >> 16n, v4 & 0xffffn];
    const prefix = s.slice(0, lastColon + 1);
    text = prefix.endsWith('::') ? prefix : prefix.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const group = (h: string) => (h === '' ? [] : h.split(':'));
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  const given = head.length + rest.length + tail.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return null;
  const zeros = halves.length === 2 ? 8 - given : 0;
  const words = [...head.map((g) => BigInt(`0x${g}`)), ...Array<bigint>(zeros).fill(0n), ...rest.map((g) => BigInt(`0x${g}`)), ...tail];
  return words.reduce((acc, w) => (acc << 16n) | w, 0n);
}
