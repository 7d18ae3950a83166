import type { ListFilter, ListFilterNone } from '@scopeladder/core';
import type { AuthContext } from '../service-types.js';
import type { AnyPolicy } from '../register.js';
import { LazyListFilter } from '../lib/lazy-list-filter.js';
import type { GuardPolicy, GuardSpec } from './guard-types.js';

/**
 * The filter of a request no type-level guard authorized: nothing to list. Deny by default — a
 * list handler mounted without its guard (or after a guard with `load`) returns an empty list.
 */
const NOTHING: ListFilterNone = Object.freeze({ kind: 'none', matches: (_record: unknown): boolean => false });

/**
 * A copy of `auth` with `filter`: after a guard WITHOUT `load` (a type-level guard, e.g.
 * `list Conversation`), core's `policy.filterFor(principal, spec.action, spec.subject)` — which
 * records the principal may act on, within its organization's reach under tenancy — computed when
 * the handler first reads it (`filter.kind`, `filter.matches`, `filter.query`…), then kept: a
 * guard whose handler never lists does not compute it. Without `spec`, for a guard with `load`
 * (its record was authorized, not a list), or for a policy without `filterFor`: `none`, so a list
 * handler returns an empty list, never another tenant's records.
 *
 * Core's semantics make the guard and the filter agree: a type-level guard passes only when the
 * principal may act on every record of the type within its reach (`canEvery`), so its filter is
 * then `all` (a policy without tenancy) or a `condition` (the subtree), never `none`. A `none`
 * after an allowed guard (a policy of another shape) is still an empty list, not a 403.
 *
 * The copy has the context's own fields (`principal`, `ability`, `token`) and `filter`, all plain
 * properties (a spread of it keeps them); `auth` itself is not changed (the service may share it
 * between requests). Call it after the guard allowed.
 *
 * @example
 * ```ts
 * import { attachListFilter, decideGuard } from '@scopeladder/tokens/http';
 *
 * const spec = { action: 'list', subject: 'Conversation' };
 * decideGuard(auth, service.policy, spec, req, req.body); // throws the denial
 * const { filter } = attachListFilter(auth, service.policy, spec);
 * res.json(conversations.filter(filter.matches)); // or Conversation.find(filter.query) for a condition
 * ```
 */
export function attachListFilter<P extends AnyPolicy>(
  auth: AuthContext<P>,
  policy?: GuardPolicy,
  spec?: GuardSpec<never>,
): AuthContext<P> & { readonly filter: ListFilter } {
  const filter =
    spec === undefined || spec.load !== undefined || policy?.filterFor === undefined
      ? NOTHING
      : (new LazyListFilter(policy, auth.principal, spec.action, spec.subject) as unknown as ListFilter);
  // The known fields, not a spread: `{ ...auth, filter }` is ~50 times slower in V8 (measured).
  return { principal: auth.principal, ability: auth.ability, token: auth.token, filter };
}
