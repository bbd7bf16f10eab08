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

export function ipAllowed(whitelist: readonly string[], callerAddress: string): boolean {
  if (whitelist.includes('*')) return true;
  const caller = ipv4ToNumber(normaliseIp(callerAddress));
  if (caller === undefined) return false;
  return whitelist.some((entry) => {
    const [address, prefixText] = entry.split('/');
    const base = ipv4ToNumber(address);
    if (base === undefined) return false;
    const prefix = prefixText === undefined ? 32 : Number(prefixText);
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return ((caller & mask) >>> 0) === ((base & mask) >>> 0);
  });
}
