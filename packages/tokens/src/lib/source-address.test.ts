// The throttling key of a client address: IPv6 by its prefix (default /64), IPv4-mapped IPv6 as
// IPv4, everything else as is.
import { isIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keySourceAddress } from './source-address.js';

describe('keySourceAddress', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['10.0.0.255', '10.0.0.255'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:192.0.2.1', '192.0.2.1'],
    ['::ffff:c000:201', '192.0.2.1'],
    ['0:0:0:0:0:ffff:c000:0201', '192.0.2.1'],
    ['2001:db8:1:2::7', '2001:db8:1:2:0:0:0:0/64'],
    ['2001:DB8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2:0:0:0:0/64'],
    ['2001:0db8:0001:0002:0000:0000:0000:0001', '2001:db8:1:2:0:0:0:0/64'],
    ['2001:db8::', '2001:db8:0:0:0:0:0:0/64'],
    ['fe80::1%eth0', 'fe80:0:0:0:0:0:0:0/64'],
    ['::1', '0:0:0:0:0:0:0:0/64'],
    ['::', '0:0:0:0:0:0:0:0/64'],
    ['2001:db8:1:2:3:4:10.0.0.1', '2001:db8:1:2:0:0:0:0/64'],
    ['::ffff:1:2', '0.1.0.2'],
    ['::fffe:c000:201', '0:0:0:0:0:0:0:0/64'],
    ['A', 'A'],
    ['device-42', 'device-42'],
    ['2001:db8::g', '2001:db8::g'],
    ['192.0.2.256', '192.0.2.256'],
  ])('%s → %s', (source, key) => {
    expect(keySourceAddress(source)).toBe(key);
  });

  it('answers undefined for no source', () => {
    for (const source of ['', undefined, null, 7, {}]) expect(keySourceAddress(source)).toBeUndefined();
  });

  it('keys IPv6 by the configured prefix length', () => {
    expect(keySourceAddress('2001:db8:1:2ff::7', 56)).toBe('2001:db8:1:200:0:0:0:0/56');
    expect(keySourceAddress('2001:db8:abcd:12::7', 48)).toBe('2001:db8:abcd:0:0:0:0:0/48');
    expect(keySourceAddress('2001:db8:1:2::7', 128)).toBe('2001:db8:1:2:0:0:0:7/128');
    expect(keySourceAddress('2001:db8:1:2::7', 63)).toBe('2001:db8:1:2:0:0:0:0/63');
    expect(keySourceAddress('2001:db8:1:3::7', 63)).toBe('2001:db8:1:2:0:0:0:0/63');
  });

  const word = fc.integer({ min: 0, max: 0xffff });
  const words = (length: number) => fc.array(word, { minLength: length, maxLength: length });
  /** One spelling of an address: full, or with the longest run of zero words as `::`, random case. */
  const spell = (all: number[], compress: boolean, upper: boolean): string => {
    let text = all.map((w) => w.toString(16)).join(':');
    if (compress) {
      const joined = all.map((w) => w.toString(16));
      let best = [-1, 0];
      for (let i = 0; i < 8; i += 1) {
        let j = i;
        while (j < 8 && all[j] === 0) j += 1;
        if (j - i > (best[1] as number)) best = [i, j - i];
      }
      if ((best[1] as number) >= 1) {
        const [start, length] = best as [number, number];
        text = `${joined.slice(0, start).join(':')}::${joined.slice(start + length).join(':')}`;
      }
    }
    return upper ? text.toUpperCase() : text;
  };
  const mapped = (all: number[]) => all.slice(0, 5).every((w) => w === 0) && all[5] === 0xffff;

  it('property: every address in one /64 has the same key, whatever its spelling', () => {
    fc.assert(
      fc.property(words(4), words(4), words(4), fc.boolean(), fc.boolean(), (prefix, a, b, compress, upper) => {
        fc.pre(!mapped([...prefix, ...a]));
        const first = spell([...prefix, ...a], compress, upper);
        const second = spell([...prefix, ...b], !compress, !upper);
        expect(isIPv6(first) && isIPv6(second)).toBe(true);
        expect(keySourceAddress(first)).toBe(keySourceAddress(second));
      }),
      { numRuns: 500 },
    );
  });

  it('property: addresses in different /64s have different keys', () => {
    fc.assert(
      fc.property(words(4), words(4), words(4), (p, q, rest) => {
        fc.pre(p.join() !== q.join());
        fc.pre(!mapped([...p, ...rest]) && !mapped([...q, ...rest]));
        expect(keySourceAddress(spell([...p, ...rest], true, false))).not.toBe(keySourceAddress(spell([...q, ...rest], true, false)));
      }),
      { numRuns: 500 },
    );
  });

  it('property: an IPv4 address and its IPv4-mapped IPv6 spellings have one key', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ipv4) => {
        const [a, b, c, d] = ipv4.split('.').map(Number) as [number, number, number, number];
        const hex = `::ffff:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
        expect(keySourceAddress(`::ffff:${ipv4}`)).toBe(ipv4);
        expect(keySourceAddress(hex)).toBe(ipv4);
        expect(keySourceAddress(ipv4)).toBe(ipv4);
      }),
      { numRuns: 300 },
    );
  });
});
