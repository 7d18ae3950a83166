import fc from 'fast-check';
import type { Principal } from '@scopeladder/core';
import { matching } from '../lib/memo.js';
import { scopesOf, type ScopeSource } from '../lib/scope-source.js';
import { hostileScope, unknownScope } from './scopes.js';

/**
 * Options of {@link principal}.
 *
 * @example
 * ```ts
 * const admins = arbitraries.principal(chatshipperPolicy, { scopes: fc.constant(['admin']), unknownScopes: true });
 * ```
 */
export interface PrincipalArbitraryOptions {
  /** The ids to use. Default: {@link principalId} (24 hex characters). */
  readonly id?: fc.Arbitrary<string> | undefined;
  /** The scope arrays to use, replacing the default (any subset of the ladder, shuffled). */
  readonly scopes?: fc.Arbitrary<readonly string[]> | undefined;
  /** Also mix in valid but unknown scope tokens (`Admin`, `admin:read`, `__proto__`…). Default `false`. */
  readonly unknownScopes?: boolean | undefined;
  /** Also mix in malformed scope elements (`" admin"`, `"guest admin"`, `"admin\u0000"`…). Default `false`. */
  readonly hostileScopes?: boolean | undefined;
}

/**
 * A user id as ChatShipper issues them: 24 lowercase hex characters (a MongoDB ObjectId).
 *
 * @example
 * ```ts
 * fc.sample(arbitraries.principalId(), 1); // ['5f0c8a1e9b3d2c4a6e8f0a1b']
 * ```
 */
export function principalId(): fc.Arbitrary<string> {
  return matching(/^[0-9a-f]{24}$/);
}

/**
 * An id that is NOT `id`, often a near miss of it: another ObjectId, the same id in upper case,
 * with a space, one character shorter or longer, with its last character changed, or empty.
 * A "(self)" rule must not match any of them.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.otherId(me.id), (id) => id !== me.id));
 * ```
 */
export function otherId(id: string): fc.Arbitrary<string> {
  if (typeof id !== 'string') throw new TypeError('arbitraries.otherId: id must be a string');
  const last = id.at(-1);
  const nearMisses = [
    id.toUpperCase(),
    ` ${id}`,
    `${id} `,
    `${id}\u0000`,
    id.slice(0, -1),
    `${id}0`,
    last === undefined ? 'x' : `${id.slice(0, -1)}${last === '0' ? '1' : '0'}`,
    '',
  ].filter((candidate) => candidate !== id);
  return fc
    .oneof({ arbitrary: principalId(), weight: 2 }, { arbitrary: fc.constantFrom(...nearMisses), weight: 1 })
    .filter((candidate) => candidate !== id);
}

/**
 * A value that cannot anchor a "(self)" rule, shaped like an id where code is loose about types:
 * missing (`undefined`), `null`, the empty string, a number, the id inside an array, an object
 * holding an id, an object whose `toString` answers an id. A principal with such an id must get
 * no "(self)" grant: not on a record whose id is missing or `null`, not on any record.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.junkId(), (id) =>
 *   !chatshipperPolicy.can({ id: id as string, scopes: ['guest'] }, 'update', subject('User', {})),
 * ));
 * ```
 */
export function junkId(): fc.Arbitrary<unknown> {
  return principalId().chain((id) => fc.constantFrom<unknown>(undefined, null, '', 0, 7, Number.NaN, [id], [], { id }, { toString: () => id }));
}

/**
 * A principal `{ id, scopes, kind?, organization? }` whose scopes are any subset of the ladder
 * (possibly empty, in any order), optionally mixed with unknown and malformed scopes.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.principal(chatshipperPolicy, { unknownScopes: true }), (principal) => {
 *   chatshipperPolicy.can(principal, 'list', 'Organization'); // never throws
 * }));
 * ```
 */
export function principal(source: ScopeSource, options: PrincipalArbitraryOptions = {}): fc.Arbitrary<Principal> {
  const scopes = scopesOf('arbitraries.principal', source);
  const extras: fc.Arbitrary<string>[] = [];
  if (options.unknownScopes === true) extras.push(unknownScope(scopes));
  if (options.hostileScopes === true) extras.push(hostileScope(scopes));
  const known = fc.shuffledSubarray([...scopes]);
  const scopeArrays: fc.Arbitrary<readonly string[]> =
    options.scopes ??
    (extras.length === 0
      ? known
      : fc
          .tuple(known, fc.array(fc.oneof(...extras), { minLength: 0, maxLength: 3 }), fc.nat())
          .map(([granted, strange, at]) => insertAt(granted, strange, at)));
  return fc
    .record(
      {
        id: options.id ?? principalId(),
        scopes: scopeArrays,
        kind: fc.constantFrom('user' as const, 'bot' as const),
        organization: principalId(),
      },
      { requiredKeys: ['id', 'scopes'] },
    )
    .map((value): Principal => ({ ...value }));
}

function insertAt(granted: readonly string[], strange: readonly string[], at: number): string[] {
  const position = granted.length === 0 ? 0 : at % (granted.length + 1);
  return [...granted.slice(0, position), ...strange, ...granted.slice(position)];
}
