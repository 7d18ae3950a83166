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
