/**
 * IP allowlists of API tokens: IPv4 addresses, IPv4 CIDR ranges and `*`. The caller's address is normalised
 * first (IPv4-mapped IPv6 such as `::ffff:10.0.0.1` becomes `10.0.0.1`); an IPv6 caller matches only `*`.
 */
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

export function normaliseIp(address: string): string {
  const trimmed = address.trim();
  const mapped = trimmed.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i);
  return (mapped ? mapped[1] : trimmed).toLowerCase();
}

function ipv4ToNumber(address: string): number | undefined {
  if (!IPV4.test(address)) return undefined;
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

/** Parses the three accepted input forms into a list of entries (the spec's schema has validated them). */
export function parseIpWhitelist(input: string | string[]): string[] {
  const entries = Array.isArray(input) ? input : input.split(',');
  const cleaned = entries.map((entry) => entry.trim()).filter(Boolean);
  return cleaned.includes('*') ? ['*'] : [...new Set(cleaned)];
}

export function isValidIpEntry(entry: string): boolean {
  if (entry === '*') return true;
  const [address, prefix, extra] = entry.split('/');
  if (extra !== undefined || ipv4ToNumber(address) === undefined) return false;
  return prefix === undefined || (/^\d{1,2}$/.test(prefix) && Number(prefix) <= 32);
}

function rangeOf(entry: string): { base: number; prefix: number } | undefined {
  const [address, prefixText] = entry.split('/');
  const base = ipv4ToNumber(address);
  if (base === undefined) return undefined;
  return { base, prefix: prefixText === undefined ? 32 : Number(prefixText) };
}

const maskOf = (prefix: number) => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

/** Whether every address `inner` allows is also allowed by `outer` (entries of a whitelist: `*`, IPv4, CIDR). */
export function ipRangeWithin(inner: string, outer: string): boolean {
  if (outer === '*') return true;
  if (inner === '*') return false;
  const a = rangeOf(inner);
  const b = rangeOf(outer);
  if (!a || !b || a.prefix < b.prefix) return false;
  const mask = maskOf(b.prefix);
  return (a.base & mask) >>> 0 === (b.base & mask) >>> 0;
}

export function ipAllowed(whitelist: readonly string[], callerAddress: string): boolean {
  if (whitelist.includes('*')) return true;
  const caller = ipv4ToNumber(normaliseIp(callerAddress));
  if (caller === undefined) return false;
  return whitelist.some((entry) => {
    const range = rangeOf(entry);
    if (!range) return false;
    const mask = maskOf(range.prefix);
    return (caller & mask) >>> 0 === (range.base & mask) >>> 0;
  });
}

/** The eight 16-bit groups of an IPv6 address (`2001:db8::1`), or undefined when it is not one. */
function ipv6Groups(address: string): number[] | undefined {
  const [head, tail, extra] = address.split('::');
  if (extra !== undefined) return undefined;
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => (/^[0-9a-f]{1,4}$/i.test(group) ? parseInt(group, 16) : NaN)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const missing = 8 - left.length - right.length;
  if ((tail === undefined && missing !== 0) || missing < 0) return undefined;
  const groups = [...left, ...Array(missing).fill(0), ...right];
  return groups.some(Number.isNaN) ? undefined : groups;
}

/**
 * The key quotas count an address under: an IPv4 address as is, an IPv6 address by its /64 (a subscriber usually
 * holds a whole /64, so per-address keys would give one client 2^64 fresh quotas).
 */
export function quotaKeyOfIp(address: string): string {
  const ip = normaliseIp(address);
  if (!ip.includes(':')) return ip;
  const groups = ipv6Groups(ip.split('%')[0]);
  return groups
    ? `${groups
        .slice(0, 4)
        .map((group) => group.toString(16))
        .join(':')}::/64`
    : ip;
}
