import { isScopeToken } from './lib/scope-grammar.js';

/**
 * An ordered list of scopes where each scope includes every lower one ("cascading scopes").
 * Built by {@link defineLadder}; immutable.
 *
 * Unknown scope strings never throw: they rank `-1`, expand to nothing and satisfy nothing.
 *
 * @example
 * ```ts
 * const ladder = defineLadder(['guest', 'agent', 'bot', 'admin'] as const);
 * ladder.expand('bot');                  // ['guest', 'agent', 'bot']
 * ladder.highest(['agent', 'nope']);     // 'agent'
 * ladder.satisfies(['bot'], 'agent');    // true
 * ```
 */
export interface Ladder<S extends string = string> {
  /** Every scope, lowest first. */
  readonly scopes: readonly S[];
  /**
   * Alias → the scope it stands for (e.g. `{ viewer: 'guest' }`); empty without aliases. An alias
   * is read as its scope everywhere a held scope is read (`rank`, `expand`, `highest`,
   * `satisfies`, `parseScope`), and grants exactly what its scope grants, never more.
   */
  readonly aliases: Readonly<Record<string, S>>;
  /** Whether `scope` is a scope of this ladder (case-sensitive). An alias is not a scope: `false`. */
  has(scope: unknown): scope is S;
  /** The scope `token` names: itself when a scope, its scope when an alias, else `null`. */
  canonical(token: unknown): S | null;
  /** The aliases of `scope`, in definition order (`[]` for none, or an unknown scope). */
  aliasesOf(scope: string): readonly string[];
  /** The position of `scope` (an alias: its scope's), `0` for the lowest; `-1` when unknown. */
  rank(scope: string): number;
  /** `scope` and every lower scope, lowest first: `expand('bot')` → `['guest', 'agent', 'bot']`. Unknown → `[]`. */
  expand(scope: string): readonly S[];
  /** The union of the expansions of `scopes` (unknown ones ignored), lowest first. */
  expandAll(scopes: readonly string[]): readonly S[];
  /** The highest known scope among `scopes`, or `null` when none is known. */
  highest(scopes: readonly string[]): S | null;
  /** The rank of {@link Ladder.highest}, or `-1` when no scope is known. */
  highestRank(scopes: readonly string[]): number;
  /** Negative when `a` is below `b`, `0` when equal, positive when above. Unknown scopes rank below all. */
  compare(a: S, b: S): number;
  /** Whether holding `held` includes `required` (some held scope is at or above it). */
  satisfies(held: readonly string[], required: S): boolean;
}

/**
 * Options of {@link defineLadder}.
 *
 * @example
 * ```ts
 * const options: DefineLadderOptions<'guest' | 'agent'> = { aliases: { viewer: 'guest' } };
 * ```
 */
export interface DefineLadderOptions<S extends string = string> {
  /**
   * Other names of scopes: alias → scope, e.g. `{ viewer: 'guest' }` (ChatShipper's docs call
   * the lowest role `viewer`). Each alias must be an RFC 6749 scope-token that is not a scope,
   * and name a scope of the ladder (not another alias). An alias never adds power: it is read as
   * its scope, and matrices name scopes only.
   */
  readonly aliases?: Readonly<Record<string, NoInfer<S>>> | undefined;
}

/**
 * Defines a ladder of cascading scopes from data, lowest first. Each scope must be a valid
 * RFC 6749 scope-token and appear once; anything else is a `TypeError`. `options.aliases` gives
 * scopes other names, read as the scope they stand for.
 *
 * @example
 * ```ts
 * import { defineLadder } from '@scopeladder/core';
 *
 * const ladder = defineLadder(['reader', 'writer', 'owner'] as const, { aliases: { viewer: 'reader' } });
 * ladder.rank('writer');   // 1
 * ladder.expand('owner');  // ['reader', 'writer', 'owner']
 * ladder.rank('viewer');   // 0: read as 'reader'
 * ladder.has('viewer');    // false: an alias, not a scope
 * ```
 */
export function defineLadder<const S extends string>(scopes: readonly S[], options: DefineLadderOptions<S> = {}): Ladder<S> {
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw new TypeError('defineLadder: `scopes` must be a non-empty array of scope names, lowest first');
  }
  const ranks = new Map<string, number>();
  scopes.forEach((scope, index) => {
    if (!isScopeToken(scope)) {
      throw new TypeError(`defineLadder: scopes[${index}] is not an RFC 6749 scope-token`);
    }
    if (ranks.has(scope)) throw new TypeError(`defineLadder: scope "${scope}" appears twice`);
    ranks.set(scope, index);
  });
  if (typeof options !== 'object' || options === null) throw new TypeError('defineLadder: `options` must be an object');
  const aliasRanks = new Map<string, number>();
  const aliasesByRank: string[][] = scopes.map(() => []);
  const aliasRecord: Record<string, S> = Object.create(null) as Record<string, S>;
  const givenAliases: unknown = options.aliases ?? {};
  if (typeof givenAliases !== 'object' || givenAliases === null || Array.isArray(givenAliases)) {
    throw new TypeError('defineLadder: `aliases` must be an object { alias: scope }');
  }
  for (const [alias, target] of Object.entries(givenAliases)) {
    if (!isScopeToken(alias)) throw new TypeError(`defineLadder: alias "${alias}" is not an RFC 6749 scope-token`);
    if (ranks.has(alias)) throw new TypeError(`defineLadder: alias "${alias}" is already a scope`);
    const targetRank = typeof target === 'string' ? ranks.get(target) : undefined;
    if (targetRank === undefined) throw new TypeError(`defineLadder: alias "${alias}" must name a scope of the ladder (${scopes.join(', ')})`);
    aliasRanks.set(alias, targetRank);
    aliasesByRank[targetRank]?.push(alias);
    aliasRecord[alias] = target as S;
  }
  const ordered: readonly S[] = Object.freeze([...scopes]);
  const aliasLists: readonly (readonly string[])[] = Object.freeze(aliasesByRank.map((list) => Object.freeze(list)));
  const expansions: readonly (readonly S[])[] = Object.freeze(ordered.map((_, index) => Object.freeze(ordered.slice(0, index + 1))));
  const none: readonly S[] = Object.freeze([]);

  const rank = (scope: unknown): number => (typeof scope === 'string' ? (ranks.get(scope) ?? aliasRanks.get(scope) ?? -1) : -1);
  const highestRank = (held: readonly string[]): number => {
    let best = -1;
    if (!Array.isArray(held)) return best;
    for (let i = 0; i < held.length; i++) {
      const r = rank(held[i]);
      if (r > best) best = r;
    }
    return best;
  };

  const ladder: Ladder<S> = {
    scopes: ordered,
    aliases: Object.freeze(aliasRecord),
    has: (scope: unknown): scope is S => typeof scope === 'string' && ranks.has(scope),
    canonical: (token) => {
      const r = rank(token);
      return r === -1 ? null : (ordered[r] as S);
    },
    aliasesOf: (scope) => {
      const r = typeof scope === 'string' ? ranks.get(scope) : undefined;
      return r === undefined ? none : (aliasLists[r] as readonly string[]);
    },
    rank,
    expand: (scope) => {
      const r = rank(scope);
      return r === -1 ? none : (expansions[r] as readonly S[]);
    },
    expandAll: (held) => {
      const r = highestRank(held);
      return r === -1 ? none : (expansions[r] as readonly S[]);
    },
    highest: (held) => {
      const r = highestRank(held);
      return r === -1 ? null : (ordered[r] as S);
    },
    highestRank,
    compare: (a, b) => Math.sign(rank(a) - rank(b)),
    satisfies: (held, required) => {
      const needed = rank(required);
      return needed !== -1 && highestRank(held) >= needed;
    },
  };
  return Object.freeze(ladder);
}
