import { subject } from '@scopeladder/core';
import { rejectFields, requireObjectBody } from '../lib/body.js';
import { newId } from '../lib/ids.js';
import type { ResourceType } from '../resources.js';
import type { ApiDependencies, ResourceHandlers } from '../routes.js';
import { EMPTY_LIST, actingIn, listAnswer, listQueryOf, notFound, organizationInReach, requireId } from './common.js';

/** Fields only the server sets on a resource. */
const SERVER_FIELDS = ['id', 'organizationPath'] as const;

/**
 * The handlers of a non-user resource: any JSON object body, to which the server adds a fresh
 * `id`, its `organization` and that organization's path (`organizationPath`, what the policy's
 * tenancy reads). The guard has authorized the action (on the loaded record for `/:id` routes:
 * another tenant's record is a 404 there, like a missing id).
 *
 * - `GET /` lists in storage through the caller's filter (`policy.filterFor`), paged
 *   (`?limit=&offset=`, `Link: <…>; rel="next"`), narrowed by `?organization=`.
 * - `POST /` creates in the caller's organization, or in the one the body names (`organization`):
 *   it must be within the caller's reach (else 403) and the caller's role there must allow it.
 * - `PATCH /:id` with `organization` moves the record: the right to update it where it is (the
 *   guard) and where it goes.
 *
 * @example
 * ```ts
 * const contacts = createResourceHandlers(deps, 'Contact');
 * await contacts.create({ auth, params: {}, body: { name: 'Ada' } }); // { status: 201, body: { id, organization, organizationPath, name } }
 * ```
 */
export function createResourceHandlers(deps: ApiDependencies, type: ResourceType): ResourceHandlers {
  return {
    async list(request) {
      const query = await listQueryOf(deps, request, type);
      if (query === null) return EMPTY_LIST;
      return listAnswer(request, await deps.resources.list(type, query), (record) => record);
    },
    async fetch(request) {
      const found = await deps.resources.get(type, requireId(request));
      if (!found) throw notFound(type);
      return { status: 200, body: found };
    },
    async create(request) {
      const body = requireObjectBody(request.body);
      rejectFields(body, SERVER_FIELDS);
      const organization = await organizationInReach(deps, request, body['organization']);
      const document = { ...body, id: newId(), organization: organization.id, organizationPath: organization.path };
      deps.auth.policy.authorize(await actingIn(deps, request, organization), 'create', subject(type, { ...document }));
      return { status: 201, body: await deps.resources.create(type, document) };
    },
    async update(request) {
      const id = requireId(request);
      const body = requireObjectBody(request.body);
      rejectFields(body, SERVER_FIELDS);
      let patch: Record<string, unknown> = { ...body };
      if (body['organization'] !== undefined) {
        const current = await deps.resources.get(type, id);
        if (!current) throw notFound(type);
        const target = await organizationInReach(deps, request, body['organization']);
        const moved = { ...current, ...body, organization: target.id, organizationPath: target.path };
        deps.auth.policy.authorize(await actingIn(deps, request, target), 'update', subject(type, moved));
        patch = { ...patch, organization: target.id, organizationPath: target.path };
      }
      const updated = await deps.resources.update(type, id, patch);
      if (!updated) throw notFound(type);
      return { status: 200, body: updated };
    },
    async delete(request) {
      if (!(await deps.resources.delete(type, requireId(request)))) throw notFound(type);
      return { status: 204 };
    },
  };
}
