import fc from 'fast-check';
import { anyChar, matching } from '../lib/memo.js';
import { SCOPE_TOKEN, SCOPE_VALUE, TRAP_NAMES, scopesOf, withoutKnown, type ScopeSource } from '../lib/scope-source.js';

const TOKEN_CHARS: string[] = [];
for (let code = 0x21; code <= 0x7e; code += 1) if (code !== 0x22 && code !== 0x5c) TOKEN_CHARS.push(String.fromCharCode(code));

/**
 * Options of {@link scopeList} and {@link scopeString}.
 *
 * @example
 * ```ts
 * const claims = arbitraries.scopeString(chatshipperPolicy, { unknown: true, maxLength: 3 });
 * ```
 */
export interface ScopeListOptions {
  /** Mix in valid scope tokens that the ladder does not know. Default `false`. */
  readonly unknown?: boolean | undefined;
  /** Fewest tokens. Default 1. */
  readonly minLength?: number | undefined;
  /** Most tokens. Default 6. */
  readonly maxLength?: number | undefined;
}

/**
 * Any valid RFC 6749 §3.3 scope token (`1*( %x21 / %x23-5B / %x5D-7E )`): plain names, names
 * using the whole allowed alphabet, and names that are traps for naive code (`__proto__`,
 * `constructor`, `toString`, CASL's `manage` and `all`, `*`).
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.scopeToken(), (token) => parseScope(token).tokens.length === 1));
 * ```
 */
export function scopeToken(): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: matching(/^[a-z][a-z0-9_.:-]{0,11}$/), weight: 4 },
    { arbitrary: fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 16 }), weight: 2 },
    { arbitrary: fc.constantFrom(...TRAP_NAMES), weight: 1 },
  );
}

/**
 * One scope of the ladder.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.scope(chatshipperPolicy), (scope) => chatshipperPolicy.ladder.has(scope)));
 * ```
 */
export function scope(source: ScopeSource): fc.Arbitrary<string> {
  return fc.constantFrom(...scopesOf('arbitraries.scope', source));
}

/**
 * A valid scope token that is NOT on the ladder: near misses of real scopes (`Admin`, `ADMIN`,
 * `admin:read`, `admins`, `admin*`), classic traps (`__proto__`, `manage`, `*`, `root`) and random
 * tokens. Such a scope must grant nothing.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.unknownScope(chatshipperPolicy), (scope) =>
 *   !chatshipperPolicy.can({ id: 'u1', scopes: [scope] }, 'list', 'Organization'),
 * ));
 * ```
 */
export function unknownScope(source: ScopeSource): fc.Arbitrary<string> {
  const scopes = scopesOf('arbitraries.unknownScope', source);
  const nearMisses = withoutKnown(
    [
      ...scopes.flatMap((name) => [
        name.toUpperCase(),
        name.toLowerCase(),
        capitalize(name),
        `${name}s`,
        `${name}:read`,
        `${name}:*`,
        `${name}*`,
        `${name}_`,
        `${name}.`,
        `+${name}`,
      ]),
      ...TRAP_NAMES,
      'root',
      'superuser',
      'owner',
      'scope',
      'openid',
    ].filter((token) => SCOPE_TOKEN.test(token)),
    scopes,
  );
  const known = new Set(scopes);
  const random = scopeToken().filter((token) => !known.has(token));
  return nearMisses.length === 0 ? random : fc.oneof(fc.constantFrom(...nearMisses), random);
}

/**
 * A string that is NOT a valid scope token, shaped like a scope: a real scope with surrounding
 * or inner whitespace, two scopes in one element (`"guest admin"`), a NUL or zero-width
 * character, a Cyrillic homoglyph, quotes, a backslash, the empty string. As an element of
 * `principal.scopes` it must grant nothing; as an API-key scope it must be refused.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.hostileScope(chatshipperPolicy), (scope) =>
 *   !chatshipperPolicy.can({ id: 'u1', scopes: [scope] }, 'create', 'Service'),
 * ));
 * ```
 */
export function hostileScope(source: ScopeSource): fc.Arbitrary<string> {
  const scopes = scopesOf('arbitraries.hostileScope', source);
  const crafted = [
    '',
    ' ',
    '\t',
    ...scopes.flatMap((name) => [
      ` ${name}`,
      `${name} `,
      `${name}\n`,
      `${name}\t`,
      `${name}\u0000`,
      `${name}\u200b`,
      `"${name}"`,
      `${name}\\`,
      homoglyph(name),
      `${name}é`,
    ]),
    ...scopes.flatMap((low) => scopes.map((high) => `${low} ${high}`)),
  ].filter((value) => !SCOPE_TOKEN.test(value));
  const random = fc.string({ unit: anyChar(), maxLength: 16 }).filter((value) => !SCOPE_TOKEN.test(value));
  return fc.oneof({ arbitrary: fc.constantFrom(...crafted), weight: 3 }, { arbitrary: random, weight: 1 });
}

/**
 * A value that is NOT a string but reads like a real scope of the ladder wherever code is loose
 * about types: the scope inside an array (`['admin']`, which becomes `"admin"` as a property key),
 * a `String` object, an object whose `toString`/`valueOf` answer the scope, plus `null`,
 * `undefined`, numbers and plain objects. As an element of `principal.scopes` it must grant
 * nothing (the principal's type forbids it; a policy must not trust the type at run time).
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.junkScope(chatshipperPolicy), (junk) =>
 *   !chatshipperPolicy.can({ id: 'u1', scopes: [junk as string] }, 'create', 'Service'),
 * ));
 * ```
 */
export function junkScope(source: ScopeSource): fc.Arbitrary<unknown> {
  const scopes = scopesOf('arbitraries.junkScope', source);
  const lookalike = fc.constantFrom(...scopes).chain((name) =>
    fc.constantFrom<unknown>(
      [name],
      [[name]],
      // eslint-disable-next-line no-new-wrappers
      new String(name),
      { toString: () => name, valueOf: () => name },
      { [Symbol.toPrimitive]: () => name },
    ),
  );
  const other = fc.constantFrom<unknown>(null, undefined, 0, 1, Number.NaN, true, {}, [], Symbol.for('admin'));
  return fc.oneof({ arbitrary: lookalike, weight: 3 }, { arbitrary: other, weight: 1 });
}

/**
 * An array of scope tokens, as API keys are created with: scopes of the ladder (duplicates and
 * any order allowed), optionally mixed with unknown but valid tokens.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.scopeList(chatshipperPolicy), (scopes) => {
 *   parseScope(scopes); // never throws on valid tokens
 * }));
 * ```
 */
export function scopeList(source: ScopeSource, options: ScopeListOptions = {}): fc.Arbitrary<string[]> {
  const scopes = scopesOf('arbitraries.scopeList', source);
  const { minLength = 1, maxLength = 6 } = options;
  if (!Number.isSafeInteger(minLength) || minLength < 0 || !Number.isSafeInteger(maxLength) || maxLength < minLength) {
    throw new TypeError('arbitraries.scopeList: minLength and maxLength must be integers with 0 <= minLength <= maxLength');
  }
  const token = options.unknown === true ? fc.oneof(fc.constantFrom(...scopes), unknownScope(scopes)) : fc.constantFrom(...scopes);
  return fc.array(token, { minLength, maxLength });
}

/**
 * A valid RFC 6749 §3.3 scope string, as found in a JWT `scope` claim: tokens separated by
 * single spaces (`"guest agent"`), possibly repeated, optionally with unknown tokens. Always
 * at least one token.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.scopeString(chatshipperPolicy), (claim) => {
 *   parseScope(claim); // never throws on a valid claim
 * }));
 * ```
 */
export function scopeString(source: ScopeSource, options: ScopeListOptions = {}): fc.Arbitrary<string> {
  const minLength = Math.max(1, options.minLength ?? 1);
  return scopeList(source, { ...options, minLength, maxLength: Math.max(minLength, options.maxLength ?? 6) }).map((tokens) => tokens.join(' '));
}

/**
 * A string that breaks the RFC 6749 §3.3 scope grammar while looking like a scope claim:
 * double, leading or trailing spaces, tabs, newlines, commas, quotes, backslashes, NUL,
 * non-ASCII, the empty string. `parseScope` must reject every one with `ERR_SCOPE_MALFORMED`.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.hostileScopeString(chatshipperPolicy), (claim) => {
 *   expect(() => parseScope(claim)).toThrow(expect.objectContaining({ code: 'ERR_SCOPE_MALFORMED' }));
 * }));
 * ```
 */
export function hostileScopeString(source: ScopeSource): fc.Arbitrary<string> {
  const scopes = scopesOf('arbitraries.hostileScopeString', source);
  const token = fc.oneof(fc.constantFrom(...scopes), scopeToken());
  const tokens = fc.array(token, { minLength: 1, maxLength: 4 });
  const badSeparator = fc.constantFrom('  ', '\t', '\n', '\r\n', ',', ', ', '+', '\u00a0', '\u3000');
  const badChar = fc.constantFrom('"', '\\', '\u0000', '\u007f', 'é', '\u200b', '\u0430', '\ud83d\ude00');
  const shaped = fc.oneof(
    fc.constantFrom('', ' ', '  ', '\t', '\n'),
    tokens.map((list) => ` ${list.join(' ')}`),
    tokens.map((list) => `${list.join(' ')} `),
    fc.tuple(tokens, badSeparator, tokens).map(([left, separator, right]) => `${left.join(' ')}${separator}${right.join(' ')}`),
    fc.tuple(tokens, badChar, fc.nat()).map(([list, char, at]) => {
      const joined = list.join(' ');
      const position = at % (joined.length + 1);
      return `${joined.slice(0, position)}${char}${joined.slice(position)}`;
    }),
    fc.string({ unit: anyChar(), maxLength: 24 }),
  );
  return shaped.filter((claim) => !SCOPE_VALUE.test(claim));
}

function capitalize(name: string): string {
  return name.length === 0 ? name : `${name[0]?.toUpperCase() ?? ''}${name.slice(1)}`;
}

/** Replaces Latin letters by look-alike Cyrillic ones (а е о р с х). */
function homoglyph(name: string): string {
  const map: Record<string, string> = { a: '\u0430', e: '\u0435', o: '\u043e', p: '\u0440', c: '\u0441', x: '\u0445' };
  const swapped = [...name].map((char) => map[char] ?? char).join('');
  return swapped === name ? `${name}\u0430` : swapped;
}
