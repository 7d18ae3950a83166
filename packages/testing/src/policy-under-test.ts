import type { Principal } from '@scopeladder/core';

/**
 * What the invariants and the decision table need from a policy: the structural subset of
 * `@scopeladder/core`'s `Policy` that they call. Any `Policy` (from `chatshipperPolicy` or
 * `definePolicy`) fits; so does a hand-written object, which is how a wrapper around a policy
 * (a cache, a remote decision point, a fast path) is tested against the same invariants.
 *
 * Only `ladder`, `resources`, `actions` and `can` are required. The optional members are checked
 * when present: `canEvery` (type-level "every instance" answer), `explain` (its `allowed` must
 * agree with `can`), `abilityFor` and `rulesFor` (the CASL ability and the JSON rules a browser
 * loads), and `protectedFields` (whose fields are then checked by default).
 *
 * @example
 * ```ts
 * import { chatshipperPolicy } from '@scopeladder/core';
 * import { assertPolicyInvariants, type PolicyUnderTest } from '@scopeladder/testing';
 *
 * // A decision point in front of the policy (a cache, a remote PDP…), tested like the policy.
 * const viaCache: PolicyUnderTest = {
 *   ladder: chatshipperPolicy.ladder,
 *   resources: chatshipperPolicy.resources,
 *   actions: chatshipperPolicy.actions,
 *   can: (principal, action, target, field) => decisionCache.can(principal, action, target, field),
 * };
 * assertPolicyInvariants(viaCache);
 * ```
 */
export interface PolicyUnderTest {
  /** The ordered scopes, lowest first. */
  readonly ladder: { readonly scopes: readonly string[] };
  /** Every resource (subject) type the matrix names. */
  readonly resources: readonly string[];
  /** Every action the matrix names. */
  readonly actions: readonly string[];
  /** The decision, with CASL semantics: a type string, or an instance tagged with `subject()`. */
  can(principal: Principal, action: string, target: string | object, field?: string): boolean;
  /** Whether the principal may act on every instance of the type (no condition). */
  canEvery?(principal: Principal, action: string, type: string): boolean;
  /** A decision with its reasons; only `allowed` is relied on. */
  explain?(principal: Principal, action: string, target: string | object, field?: string): { readonly allowed: boolean };
  /** The CASL ability of a principal. */
  abilityFor?(principal: Principal): { can(action: string, target: string | object, field?: string): boolean };
  /** The CASL rules of a principal, as JSON-safe data. */
  rulesFor?(principal: Principal): readonly unknown[];
  /** The fields of a cell that a self grant does not cover; they join the default fields checked. */
  protectedFields?(action: string, type: string): readonly string[];
  /** With tenancy: the separator of paths and the record property holding them, per type. */
  readonly tenancy?: { readonly separator: string; readonly fieldByType: Readonly<Record<string, string>> } | null | undefined;
  /** The list filter: `none`, `all`, or a condition with a MongoDB-style `query`; `matches` is the predicate. */
  filterFor?(
    principal: Principal,
    action: string,
    type: string,
  ): { readonly kind: 'none' | 'all' | 'condition'; readonly query?: unknown; matches(record: unknown): boolean };
}
