import { isIPv4, isIPv6 } from 'node:net';

/** The IPv6 prefix length a login source is keyed by, unless configured: one host's /64. */
export const DEFAULT_IPV6_PREFIX_LENGTH = 64;

/**
 * The throttling key of a client address (`RequestContext.source`): the text the login counters
 * are keyed by (and then hashed; never stored in clear).
 * - An IPv6 address → its first `ipv6PrefixLength` bits (default 64), as
 *   `2001:db8:1:2:0:0:0:0/64`: one host usually owns a whole /64 (and privacy addresses rotate
 *   inside it), so per-address limits keyed on the full address would cap nothing. The zone
 *   (`%eth0`) is dropped, letter case and `::` spelling do not matter.
 * - An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, also in hex) → the IPv4 address, so a
 *   dual-stack socket and an IPv4 one count the same client once.
 * - An IPv4 address, and anything that is not an IP address (a test's `'A'`, a device id) → as is.
 * - `''` and non-strings → `undefined` (no source).
 *
 * @example
 * ```ts
 * keySourceAddress('2001:DB8:1:2::7', 64); // '2001:db8:1:2:0:0:0:0/64'
 * keySourceAddress('::ffff:192.0.2.1', 64); // '192.0.2.1'
 * keySourceAddress('192.0.2.1', 64); // '192.0.2.1'
 * ```
 */
export function keySourceAddress(source: unknown, ipv6PrefixLength: number = DEFAULT_IPV6_PREFIX_LENGTH): string | undefined {
  if (typeof source !== 'string' || source === '') return undefined;
  if (isIPv4(source)) return source;
  const bytes = parseIpv6(source);
  if (bytes === null) return source;
  if (isIpv4Mapped(bytes)) return bytes.subarray(12).join('.');
  const groups: string[] = [];
  for (let group = 0; group < 8; group += 1) {
    const bits = Math.min(16, Math.max(0, ipv6PrefixLength - group * 16));
    const mask = bits === 0 ? 0 : (0xffff << (16 - bits)) & 0xffff;
    const word = ((bytes[2 * group] as number) << 8) | (bytes[2 * group + 1] as number);
    groups.push((word & mask).toString(16));
  }
  return `${groups.join(':')}/${ipv6PrefixLength}`;
}

/** The 16 bytes of an IPv6 address (zone dropped), or `null` when `text` is not one. */
function parseIpv6(text: string): Uint8Array | null {
  const zone = text.indexOf('%');
  const address = zone === -1 ? text : text.slice(0, zone);
  if (!isIPv6(address)) return null;
  const halves = address.split('::');
  const head = halves[0] === '' ? [] : (halves[0] as string).split(':');
  const tail = halves.length === 1 || halves[1] === '' ? [] : (halves[1] as string).split(':');
  const words = toWords(head);
  const tailWords = toWords(tail);
  const fill = halves.length === 2 ? 8 - words.length - tailWords.length : 0;
  const all = [...words, ...Array<number>(fill).fill(0), ...tailWords];
  if (all.length !== 8) return null;
  const bytes = new Uint8Array(16);
  all.forEach((word, index) => {
    bytes[2 * index] = word >> 8;
    bytes[2 * index + 1] = word & 0xff;
  });
  return bytes;
}

/** Hex groups to 16-bit words; a trailing dotted IPv4 part is two words. */
function toWords(parts: readonly string[]): number[] {
  const words: number[] = [];
  for (const part of parts) {
    if (part.includes('.')) {
      const [a, b, c, d] = part.split('.').map(Number) as [number, number, number, number];
      words.push((a << 8) | b, (c << 8) | d);
    } else {
      words.push(Number.parseInt(part, 16));
    }
  }
  return words;
}

function isIpv4Mapped(bytes: Uint8Array): boolean {
  for (let index = 0; index < 10; index += 1) if (bytes[index] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}
