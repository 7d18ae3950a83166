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
  /** Whether `scope` is a scope of this ladder (case-sensitive). */
  has(scope: unknown): scope is S;
  /** The position of `scope`, `0` for the lowest; `-1` when unknown. */
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
 * Defines a ladder of cascading scopes from data, lowest first. Each scope must be a valid
 * RFC 6749 scope-token and appear once; anything else is a `TypeError`.
 *
 * @example
 * ```ts
 * import { defineLadder } from '@scopeladder/core';
 *
 * const ladder = defineLadder(['reader', 'writer', 'owner'] as const);
 * ladder.rank('writer');   // 1
 * ladder.expand('owner');  // ['reader', 'writer', 'owner']
 * ```
 */
export function defineLadder<const S extends string>(scopes: readonly S[]): Ladder<S> {
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
  const ordered: readonly S[] = Object.freeze([...scopes]);
  const expansions: readonly (readonly S[])[] = Object.freeze(ordered.map((_, index) => Object.freeze(ordered.slice(0, index + 1))));
  const none: readonly S[] = Object.freeze([]);

  const rank = (scope: unknown): number => (typeof scope === 'string' ? (ranks.get(scope) ?? -1) : -1);
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
    has: (scope: unknown): scope is S => rank(scope) !== -1,
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
