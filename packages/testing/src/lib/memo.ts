import fc from 'fast-check';

const cache = new Map<string, fc.Arbitrary<string>>();

/**
 * `fc.stringMatching(regex)`, built once per regex: building one parses the regex and costs
 * milliseconds, while arbitraries are immutable and reusable (internal).
 */
export function matching(regex: RegExp): fc.Arbitrary<string> {
  const key = regex.toString();
  let arbitrary = cache.get(key);
  if (arbitrary === undefined) {
    arbitrary = fc.stringMatching(regex);
    cache.set(key, arbitrary);
  }
  return arbitrary;
}

let anyCharacter: fc.Arbitrary<string> | undefined;

/**
 * One Unicode code point, ASCII (controls included) most of the time. Like fast-check's
 * `unit: 'binary'` without its one-second warm-up (internal).
 */
export function anyChar(): fc.Arbitrary<string> {
  anyCharacter ??= fc
    .oneof(
      { arbitrary: fc.integer({ min: 0, max: 0x7f }), weight: 6 },
      { arbitrary: fc.integer({ min: 0x80, max: 0xffff }).filter((code) => code < 0xd800 || code > 0xdfff), weight: 3 },
      { arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }), weight: 1 },
    )
    .map((code) => String.fromCodePoint(code));
  return anyCharacter;
}
