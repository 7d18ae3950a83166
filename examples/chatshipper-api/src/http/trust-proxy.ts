import { BlockList, isIP, isIPv4 } from 'node:net';

/**
 * The client address behind a list of trusted proxies, for frameworks without an address-list
 * trust-proxy setting (Koa has only `proxy` + `maxIpsCount`): starting from the socket address,
 * while the address is one of `proxies` (addresses or CIDR ranges, as `TRUST_PROXY` validated
 * them), step to the next `X-Forwarded-For` entry from the right. The same walk as Express's and
 * Fastify's `trust proxy` with an address list; an IPv4-mapped IPv6 address matches IPv4 ranges.
 *
 * @example
 * ```ts
 * const clientOf = createForwardedClientResolver(['10.0.0.0/8']);
 * clientOf('10.0.0.5', '198.51.100.1, 203.0.113.7'); // '203.0.113.7'
 * clientOf('192.0.2.1', '203.0.113.7'); // '192.0.2.1': not a trusted proxy, header ignored
 * ```
 */
export function createForwardedClientResolver(proxies: readonly string[]): (remote: string, forwardedFor: string | undefined) => string {
  const isTrusted = createTrustedProxyCheck(proxies);
  return (remote, forwardedFor) => {
    const hops = (forwardedFor ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    let client = remote;
    while (isTrusted(client) && hops.length > 0) client = hops.pop() as string;
    return client;
  };
}

/**
 * Whether an address is one of `proxies` (addresses or CIDR ranges, as `TRUST_PROXY` validated
 * them); an IPv4-mapped IPv6 address matches IPv4 ranges.
 *
 * @example
 * ```ts
 * const isTrusted = createTrustedProxyCheck(['10.0.0.0/8']);
 * isTrusted('::ffff:10.0.0.5'); // true
 * ```
 */
export function createTrustedProxyCheck(proxies: readonly string[]): (address: string) => boolean {
  const trusted = new BlockList();
  for (const entry of proxies) {
    const [address = '', prefix] = entry.split('/');
    const type = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) trusted.addAddress(address, type);
    else trusted.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    const plain = unmapIpv4(address);
    const version = isIP(plain);
    return version !== 0 && trusted.check(plain, version === 4 ? 'ipv4' : 'ipv6');
  };
}

/** The first entry of a comma-separated forwarded header, or `undefined`. */
export function firstForwarded(value: string | undefined): string | undefined {
  const first = value?.split(',', 1)[0]?.trim();
  return first === undefined || first === '' ? undefined : first;
}

function unmapIpv4(address: string): string {
  const match = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return match?.[1] ?? address;
}
