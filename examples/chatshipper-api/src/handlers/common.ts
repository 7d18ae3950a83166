import { ScopeladderError, resolveRole, type Principal } from '@scopeladder/core';
import type { OrganizationRecord } from '@scopeladder/tokens';
import { isId } from '../lib/ids.js';
import { nextLink, readListParams } from '../lib/list-params.js';
import { isWithin } from '../lib/paths.js';
import type { ResourceType } from '../resources.js';
import type { ApiDependencies, ApiRequest, ApiResponse } from '../routes.js';
import type { ListPage, ListQuery } from '../storage/types.js';

/** The `:id` of a request, or `ERR_NOT_FOUND` when it cannot be an id (so: no such resource). */
export function requireId(request: ApiRequest): string {
  const id = request.params['id'];
  if (!isId(id)) throw new ScopeladderError('ERR_NOT_FOUND', 'Not found');
  return id;
}

/** `ERR_NOT_FOUND` (404). */
export function notFound(type: ResourceType): ScopeladderError {
  return new ScopeladderError('ERR_NOT_FOUND', `No such ${type}`);
}

/**
 * `ERR_FORBIDDEN` (403) for an organization named in a body that is not within the caller's
 * reach — the same answer whether it exists elsewhere or not at all.
 */
export function outsideReach(): ScopeladderError {
  return new ScopeladderError('ERR_FORBIDDEN', 'No such organization within your reach');
}

/**
 * The organization a write acts in: the caller's selected organization when `id` is `undefined`,
 * else the organization `id` names, which must be the caller's or one of its descendants
 * (anything else, a malformed id included: {@link outsideReach}, 403).
 *
 * @example
 * ```ts
 * const organization = await organizationInReach(deps, request, body['organization']); // { id, path }
 * ```
 */
export async function organizationInReach(deps: ApiDependencies, request: ApiRequest, id: unknown): Promise<OrganizationRecord> {
  const { principal } = request.auth;
  const wanted = id === undefined ? principal.organization : id;
  if (!isId(wanted)) throw outsideReach();
  const found = await deps.users.findOrganization(wanted);
  if (!found) throw outsideReach();
  // Without tenancy in the policy (a principal without a path), only the caller's own organization.
  const reach = principal.organizationPath;
  if (reach === undefined ? found.id !== principal.organization : !isWithin(found.path, reach)) throw outsideReach();
  return found;
}

/** The index of the highest of `scopes` on the ladder `roles` (lowest first); -1 for none. */
function highest(scopes: readonly string[], roles: readonly string[]): number {
  return Math.max(-1, ...scopes.map((scope) => roles.indexOf(scope)));
}

/**
 * The caller as it acts in `organization` (within its reach): in its own selected organization,
 * itself; in a descendant, with the role its memberships give there (`resolveRole`), never above
 * the session's scope. Write checks of a record placed in a descendant use it, so "the role there
 * allows it" decides.
 *
 * @example
 * ```ts
 * deps.auth.policy.authorize(await actingIn(deps, request, organization), 'create', subject('Contact', document));
 * ```
 */
export async function actingIn(deps: ApiDependencies, request: ApiRequest, organization: OrganizationRecord): Promise<Principal> {
  const { principal } = request.auth;
  if (principal.organizationPath === undefined || organization.path === principal.organizationPath) return principal;
  const user = await deps.users.findById(principal.id);
  const role = user?.memberships === undefined ? null : resolveRole(user.memberships, organization.path);
  const scopes = role === null ? [] : highest([role], deps.roles) < highest(principal.scopes, deps.roles) ? [role] : principal.scopes;
  return { ...principal, scopes, organization: organization.id, organizationPath: organization.path };
}

/**
 * The list query of a request: the policy's filter for the caller (`filterFor`), narrowed to the
 * subtree of `?organization=` when given, and the page of `?limit=&offset=`. `null` when the list
 * is empty whatever is stored: an organization outside the caller's reach (or none such) — an
 * empty list, not an error, so it tells nothing about other tenants.
 *
 * @example
 * ```ts
 * const query = await listQueryOf(deps, request, 'Contact');
 * if (query === null) return EMPTY_LIST;
 * return listAnswer(request, await deps.resources.list('Contact', query), (record) => record);
 * ```
 */
export async function listQueryOf(deps: ApiDependencies, request: ApiRequest, type: ResourceType): Promise<ListQuery | null> {
  const params = readListParams(request.query);
  let principal = request.auth.principal;
  if (params.organization !== undefined) {
    const found = await deps.users.findOrganization(params.organization);
    const reach = principal.organizationPath;
    const within = found !== null && (reach === undefined ? found.id === principal.organization : isWithin(found.path, reach));
    if (!within) return null;
    // The same principal, acting lower in its own subtree: the policy builds the narrower filter.
    if (reach !== undefined) principal = { ...principal, organization: found.id, organizationPath: found.path };
  }
  const filter = deps.auth.policy.filterFor(principal, 'list', type);
  if (filter.kind === 'none') return null;
  return { filter, within: principal.organizationPath, offset: params.offset, limit: params.limit };
}

/**
 * A list answer: the page's records (through `present`), and `Link: <…>; rel="next"` when more
 * remain.
 *
 * @example
 * ```ts
 * listAnswer(request, { items: [user], more: true }, (found) => toPublicUser(found, viewer)); // { status: 200, body, headers: { link } }
 * ```
 */
export function listAnswer<T>(request: ApiRequest, page: ListPage<T>, present: (record: T) => unknown): ApiResponse {
  const body = page.items.map(present);
  if (!page.more) return { status: 200, body };
  const link = nextLink(request.origin, request.collectionPath ?? '/', readListParams(request.query));
  return { status: 200, body, headers: { link } };
}

/** The empty list answer. */
export const EMPTY_LIST: ApiResponse = Object.freeze({ status: 200, body: [] });
