import { isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Decides whether an outbound webhook may connect to an IP address. Pure: the HTTP client calls
 * it with the address it is about to connect to (after DNS), so a name that resolves somewhere
 * else later (DNS rebinding) is judged on what is actually dialled.
 *
 * Node's own grammar decides what is an address (ipaddr.js alone would also take forms such as
 * 0x7f.0.0.1 or 010.0.0.1, which Node does not dial as written); ipaddr.js's named special-purpose
 * ranges decide what it is.
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

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

// Cloud metadata endpoints sit inside wider ranges (link-local, shared, unique-local) and
// deserve their own name, so they are looked up before the range.
const CLOUD_METADATA = new Set(
  [
    '169.254.169.254',
    '169.254.170.2',
    '100.100.100.200',
    '168.63.129.16',
    '192.0.0.192',
    'fd00:ec2::254',
    'fd00:ec2::23',
  ].map((a) => ipaddr.parse(a).toNormalizedString()),
);

// ipaddr.js range() names that are refused, and as what. Any other name (unicast, as112, amt,
// 6to4, teredo, benchmarking, orchid2, ...) may be dialled, as before the library was used.
const V4_REFUSED: Record<string, RefusedClass> = {
  unspecified: 'unspecified',
  loopback: 'loopback',
  private: 'private',
  carrierGradeNat: 'shared',
  linkLocal: 'link-local',
  multicast: 'multicast',
  broadcast: 'broadcast',
  reserved: 'reserved',
};

const V6_REFUSED: Record<string, RefusedClass> = {
  unspecified: 'unspecified',
  loopback: 'loopback',
  linkLocal: 'link-local',
  uniqueLocal: 'private',
  deprecatedSiteLocal: 'private',
  multicast: 'multicast',
  discard: 'reserved',
  reserved: 'reserved',
};

const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

/** Null when the address may be dialled; otherwise why not. */
export function classifyAddress(address: string): RefusedClass | null {
  const bare = unbracket(address);
  const v4 = v4Of(bare);
  if (v4) return classifyV4(v4);
  const v6 = v6Of(withoutZone(bare));
  return v6 ? classifyV6(v6) : 'invalid';
}

export function isIpLiteral(host: string): boolean {
  const bare = unbracket(host);
  return v4Of(bare) !== null || v6Of(withoutZone(bare)) !== null;
}

/** The address as a 32-bit number, or null when it is not a dotted-quad IPv4 address. */
export function parseIPv4(s: string): bigint | null {
  const v4 = v4Of(s);
  return v4 ? toBigInt(v4.toByteArray()) : null;
}

/** The address as a 128-bit number, or null when it is not an IPv6 address (zones not allowed). */
export function parseIPv6(s: string): bigint | null {
  const v6 = v6Of(s);
  return v6 ? toBigInt(v6.toByteArray()) : null;
}

function classifyV4(v4: IPv4): RefusedClass | null {
  if (CLOUD_METADATA.has(v4.toNormalizedString())) return 'cloud-metadata';
  return V4_REFUSED[v4.range()] ?? null;
}

function classifyV6(v6: IPv6): RefusedClass | null {
  const embedded = embeddedIPv4(v6);
  // A public IPv4 address in the deprecated compatible form is still no address to dial.
  if (embedded) return classifyV4(embedded) ?? (v6.match(IPV4_COMPATIBLE) ? 'reserved' : null);
  if (CLOUD_METADATA.has(v6.toNormalizedString())) return 'cloud-metadata';
  return V6_REFUSED[v6.range()] ?? null;
}

/**
 * IPv6 forms that carry an IPv4 address the kernel or a NAT64 gateway will dial: mapped
 * (::ffff:a.b.c.d), the deprecated compatible form (::a.b.c.d, but not :: or ::1) and the NAT64
 * well-known prefix.
 */
function embeddedIPv4(v6: IPv6): IPv4 | null {
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  const compatible = v6.match(IPV4_COMPATIBLE) && !['unspecified', 'loopback'].includes(v6.range());
  if (!compatible && !v6.match(NAT64_WELL_KNOWN)) return null;
  return new ipaddr.IPv4(v6.toByteArray().slice(12));
}

function v4Of(text: string): IPv4 | null {
  return isIPv4(text) ? ipaddr.IPv4.parse(text) : null;
}

function v6Of(text: string): IPv6 | null {
  // Zones are stripped by the caller where they are allowed; Node's grammar would accept one.
  if (text.includes('%') || !isIPv6(text)) return null;
  // ipaddr.js reads `::a.b.c.d` as the mapped `::ffff:a.b.c.d`; an explicit leading zero group
  // keeps the compatible form's own meaning (and value).
  const deprecatedCompatible = text.startsWith('::') && text.includes('.') && !text.slice(2).includes(':');
  return ipaddr.IPv6.parse(deprecatedCompatible ? `0${text}` : text);
}

function unbracket(address: string): string {
  return address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
}

function withoutZone(address: string): string {
  return address.replace(/%.*$/, '');
}

function toBigInt(bytes: number[]): bigint {
  return bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}
