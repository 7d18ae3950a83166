import { ScopeladderError, subject } from '@scopeladder/core';
import { rejectFields, requireObjectBody } from '../lib/body.js';
import { newId } from '../lib/ids.js';
import { childPath, levelOf } from '../lib/paths.js';
import type { ApiDependencies, ResourceHandlers } from '../routes.js';
import { EMPTY_LIST, actingIn, listAnswer, listQueryOf, notFound, organizationInReach, requireId } from './common.js';

/** The deepest level of the organization tree: the root, its customers, their sub-organizations. */
export const MAX_ORGANIZATION_LEVEL = 3;
const MAX_NAME_LENGTH = 200;
/** Fields only the server sets on an organization (`parent` only at creation). */
const SERVER_FIELDS = ['id', 'organization', 'organizationPath', 'path', 'level'] as const;

function invalid(message: string): ScopeladderError {
  return new ScopeladderError('ERR_INVALID_REQUEST', message);
}

function readName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_NAME_LENGTH) {
    throw invalid(`name must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`);
  }
  return value;
}

/**
 * The handlers of `/v2/organizations`. An organization record carries `id`, `name`, `parent`
 * (`null` for the root), `level` (1–3), `path` (the ids from the root down to it, joined by `#`)
 * and `organization`, its own id: an organization belongs to itself, so an admin of a customer
 * reaches the customer's record and its sub-organizations', not its parent's or a sibling's.
 *
 * - `POST {name, parent?}`: `parent` defaults to the caller's selected organization and must be
 *   within the caller's reach (else 403, whether it exists elsewhere or not); a fourth level is
 *   refused (400 `ERR_INVALID_REQUEST`).
 * - `PATCH`: any field but `parent`, `level`, `path`, `organization` (organizations never move:
 *   their path is in every record below them).
 * - `DELETE`: refused while the organization has sub-organizations (409 `ERR_CONFLICT`).
 *
 * @example
 * ```ts
 * const organizations = createOrganizationHandlers(deps);
 * await organizations.create({ auth, params: {}, body: { name: 'Acme' } }); // { id, name, parent, level: 2, path, organization }
 * ```
 */
export function createOrganizationHandlers(deps: ApiDependencies): ResourceHandlers {
  return {
    async list(request) {
      const query = await listQueryOf(deps, request, 'Organization');
      if (query === null) return EMPTY_LIST;
      return listAnswer(request, await deps.resources.list('Organization', query), (record) => record);
    },
    async fetch(request) {
      const found = await deps.resources.get('Organization', requireId(request));
      if (!found) throw notFound('Organization');
      return { status: 200, body: found };
    },
    async create(request) {
      const body = requireObjectBody(request.body);
      rejectFields(body, SERVER_FIELDS);
      const name = readName(body['name']);
      const parent = await organizationInReach(deps, request, body['parent'] ?? undefined);
      const level = levelOf(parent.path) + 1;
      if (level > MAX_ORGANIZATION_LEVEL) throw invalid(`Organizations nest at most ${MAX_ORGANIZATION_LEVEL} levels deep`);
      const id = newId();
      const document = { ...body, id, name, parent: parent.id, level, path: childPath(parent.path, id), organization: id };
      deps.auth.policy.authorize(await actingIn(deps, request, parent), 'create', subject('Organization', { ...document }));
      return { status: 201, body: await deps.resources.create('Organization', document) };
    },
    async update(request) {
      const id = requireId(request);
      const body = requireObjectBody(request.body);
      rejectFields(body, [...SERVER_FIELDS, 'parent']);
      if (body['name'] !== undefined) readName(body['name']);
      const updated = await deps.resources.update('Organization', id, body);
      if (!updated) throw notFound('Organization');
      return { status: 200, body: updated };
    },
    async delete(request) {
      const id = requireId(request);
      if (id === request.auth.principal.organization) {
        // Its own organization would take the session's reach, and its members' logins, with it.
        throw new ScopeladderError('ERR_FORBIDDEN', 'A session cannot delete the organization it acts in');
      }
      if (await deps.resources.hasSubOrganizations(id)) {
        throw new ScopeladderError('ERR_CONFLICT', 'The organization still has sub-organizations: delete them first');
      }
      if (!(await deps.resources.delete('Organization', id))) throw notFound('Organization');
      return { status: 204 };
    },
  };
}
