import type { ListFilter, ListFilterNone } from '@scopeladder/core';
import type { AuthContext } from '../service-types.js';
import type { AnyPolicy } from '../register.js';
import type { GuardPolicy, GuardSpec } from './guard-types.js';

/**
 * The filter of a request no type-level guard authorized: nothing to list. Deny by default — a
 * list handler mounted without its guard (or after a guard with `load`) returns an empty list.
 */
const NOTHING: ListFilterNone = Object.freeze({ kind: 'none', matches: (_record: unknown): boolean => false });

/**
 * What an adapter hands a handler as its request's auth: the service's {@link AuthContext} and
 * `filter`, the records the principal may act on (see {@link attachListFilter}).
 *
 * @example
 * ```ts
 * const listed: FilteredAuthContext = attachListFilter(auth, service.policy, { action: 'list', subject: 'Conversation' });
 * const rows = conversations.filter(listed.filter.matches);
 * ```
 */
export type FilteredAuthContext<P extends AnyPolicy = AnyPolicy, Context extends AuthContext<P> = AuthContext<P>> = Context & {
  readonly filter: ListFilter;
};

/**
 * A copy of `auth` with `filter`: after a guard WITHOUT `load` (a type-level guard, e.g.
 * `list Conversation`), core's `policy.filterFor(principal, spec.action, spec.subject)` — which
 * records the principal may act on, within its organization's reach under tenancy — computed on
 * the first read of `filter`, then kept (a guard whose handler never reads it costs nothing).
 * Without `spec`, or for a guard with `load` (its record was authorized, not a list), or a
 * policy without `filterFor`: `none`, so a list handler returns an empty list, never another
 * tenant's records.
 *
 * Core's semantics make the guard and the filter agree: a type-level guard passes only when the
 * principal may act on every record of the type within its reach (`canEvery`), so its filter is
 * then `all` (a policy without tenancy) or a `condition` (the subtree), never `none`. A `none`
 * after an allowed guard (a policy of another shape) is still an empty list, not a 403.
 *
 * `auth` itself is not changed (the service may share it between requests): the adapters attach
 * the copy to the request. Call it after the guard allowed.
 *
 * @example
 * ```ts
 * import { attachListFilter, decideGuard } from '@scopeladder/tokens/http';
 *
 * const spec = { action: 'list', subject: 'Conversation' };
 * decideGuard(auth, service.policy, spec, req, req.body); // throws the denial
 * req.auth = attachListFilter(auth, service.policy, spec);
 * res.json(conversations.filter(req.auth.filter.matches)); // or Conversation.find(req.auth.filter.query) for a condition
 * ```
 */
export function attachListFilter<Context extends AuthContext<AnyPolicy>>(
  auth: Context,
  policy?: GuardPolicy,
  spec?: GuardSpec<never>,
): Context & { readonly filter: ListFilter } {
  const filterFor = policy?.filterFor;
  if (spec === undefined || spec.load !== undefined || filterFor === undefined) return { ...auth, filter: NOTHING };
  let filter: ListFilter | undefined;
  const { action, subject } = spec;
  return {
    ...auth,
    get filter(): ListFilter {
      filter ??= filterFor.call(policy, auth.principal, action, subject);
      return filter;
    },
  };
}
