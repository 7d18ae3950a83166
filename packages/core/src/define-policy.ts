import type { Ladder } from './define-ladder.js';
import { compilePolicy } from './lib/compile-policy.js';
import { LadderPolicy } from './lib/policy.js';
import type { FieldRules, Matrix, MatrixAction, MatrixResource, Policy } from './policy-types.js';

/**
 * The default {@link PolicyDefinition.cacheSize}.
 *
 * @example
 * ```ts
 * definePolicy({ scopes, matrix, cacheSize: DEFAULT_ABILITY_CACHE_SIZE * 10 });
 * ```
 */
export const DEFAULT_ABILITY_CACHE_SIZE = 1000;

/**
 * The `tenancy` of a policy definition: records belong to organizations of a tree, identified by
 * materialized paths (the ids from the root down, joined by `separator`: `"r1#c1#s1"`). A
 * principal acting in organization O (`principal.organizationPath`) reaches records whose path is
 * O's or below it, and nothing else; inside that subtree the matrix decides as before.
 *
 * @example
 * ```ts
 * const tenancy = {
 *   separator: '#',                       // default
 *   field: 'organizationPath',            // default: the record property holding its organization's path
 *   fieldsByType: { Organization: 'path', User: 'organizationPaths' }, // defaults for these two types
 * } as const satisfies TenancyOptions<'Organization' | 'User' | 'Conversation'>;
 * ```
 */
export interface TenancyOptions<R extends string = string> {
  /** One printable ASCII punctuation character between the ids of a path. Default `'#'`. */
  readonly separator?: string | undefined;
  /** The record property holding the path of its organization. Default `'organizationPath'`. */
  readonly field?: string | undefined;
  /**
   * Per type, another property. Defaults: `Organization: 'path'` (an organization belongs to
   * itself) and `User: 'organizationPaths'` (a list: a user is within reach when one of its
   * memberships is). A property may hold a string or an array of strings.
   */
  readonly fieldsByType?: { readonly [T in R]?: string } | undefined;
}

/**
 * What {@link definePolicy} takes.
 *
 * @example
 * ```ts
 * const definition = {
 *   scopes: ['member', 'owner'],
 *   matrix: { Post: { edit: { any: 'owner', self: 'member' } } },
 *   selfField: 'authorId',
 * } as const satisfies PolicyDefinition<'member' | 'owner', Matrix<'member' | 'owner'>>;
 * ```
 */
export interface PolicyDefinition<S extends string, M extends Matrix<S>> {
  /** The scopes, lowest first (each includes every lower one), or a ladder from `defineLadder`. */
  readonly scopes: readonly S[] | Ladder<S>;
  /**
   * Other names of scopes, e.g. `{ viewer: 'guest' }` (with `scopes` an array; a `Ladder` takes
   * them from `defineLadder`). Principals holding an alias get exactly its scope's ability; the
   * matrix names scopes only. See `DefineLadderOptions.aliases`.
   */
  readonly aliases?: Readonly<Record<string, NoInfer<S>>> | undefined;
  /**
   * Resource → action → the lowest scope that may do it (`null`: no scope may), or
   * `{ any, self }` for actions a lower scope may do to its own record only. Every resource lists
   * every action.
   */
  readonly matrix: M;
  /** Protected fields per cell; see {@link FieldRule}. */
  readonly fields?: FieldRules<M> | undefined;
  /**
   * The instance property self grants compare with `principal.id`. Default `'id'`; write `'_id'`
   * for MongoDB documents (Mongoose casts the id in the filter `@casl/mongoose` builds).
   */
  readonly selfField?: string | undefined;
  /** Tenant isolation over an organization tree; see {@link TenancyOptions}. Default: none. */
  readonly tenancy?: TenancyOptions<MatrixResource<M>> | undefined;
  /**
   * How many per-principal CASL abilities (rule indexes, built the first time a CASL method of an
   * ability from {@link Policy.abilityFor} needs one) the policy keeps per scope level, oldest
   * evicted first; a repeated principal reuses its entry instead of rebuilding it. Checks answered
   * from the policy's tables (`can` on a type or a tagged record) need no entry. Principals without
   * self rules share one ability per level and cost no entry. Default {@link DEFAULT_ABILITY_CACHE_SIZE}.
   */
  readonly cacheSize?: number | undefined;
}

/**
 * Defines a policy from a ladder of scopes and a resource × action matrix, validating it now:
 * an unknown scope, a malformed or non-monotone cell, a missing cell, an unknown resource or
 * action in `fields`, or a reserved name (`manage`, `all`) is a `TypeError` naming the cell.
 *
 * The rules of every scope level are computed once and frozen; checks read precomputed tables.
 *
 * @example
 * ```ts
 * import { definePolicy, subject } from '@scopeladder/core';
 *
 * const policy = definePolicy({
 *   scopes: ['reader', 'writer', 'owner'],
 *   matrix: {
 *     Note: { read: 'reader', write: { any: 'owner', self: 'writer' }, delete: 'owner' },
 *     Account: { read: { any: 'owner', self: 'reader' }, write: { any: 'owner', self: 'reader' }, delete: null },
 *   },
 *   fields: { Account: { write: { protected: ['plan'] } } },
 * } as const);
 *
 * const me = { id: 'a1', scopes: ['writer'] };
 * policy.can(me, 'write', subject('Note', { id: 'a1' }));                   // true (own record)
 * policy.can(me, 'write', subject('Account', { id: 'a1' }), 'plan');        // false (protected)
 * policy.canEvery(me, 'write', 'Note');                                      // false
 * ```
 */
export function definePolicy<const S extends string, const M extends Matrix<S>>(
  definition: PolicyDefinition<S, M>,
): Policy<S, MatrixResource<M>, MatrixAction<M>> {
  // The definition's shape first: `definePolicy(null)` names it, not `cacheSize`.
  const compiled = compilePolicy(definition);
  const cacheSize = definition.cacheSize ?? DEFAULT_ABILITY_CACHE_SIZE;
  if (!Number.isSafeInteger(cacheSize) || cacheSize < 1) {
    throw new TypeError('definePolicy: cacheSize: expected a positive integer');
  }
  const policy = new LadderPolicy(compiled, cacheSize);
  return Object.freeze(policy) as unknown as Policy<S, MatrixResource<M>, MatrixAction<M>>;
}
