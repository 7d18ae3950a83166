import { newId } from '../lib/ids.js';
import { rejectFields, requireObjectBody } from '../lib/body.js';
import type { ResourceType } from '../resources.js';
import type { ApiDependencies, ResourceHandlers } from '../routes.js';
import { callerOrganization, notFound, requireId } from './common.js';

/** Fields only the server sets on a resource. */
const SERVER_FIELDS = ['id', 'organization'] as const;

/**
 * The handlers of a non-user resource: any JSON object body, to which the server adds a fresh
 * `id` and the creator's `organization`. Authorization has already happened in the guard.
 *
 * @example
 * ```ts
 * const contacts = createResourceHandlers(deps, 'Contact');
 * await contacts.create({ auth, params: {}, body: { name: 'Ada' } }); // { status: 201, body: { id, organization, name } }
 * ```
 */
export function createResourceHandlers(deps: ApiDependencies, type: ResourceType): ResourceHandlers {
  return {
    async list() {
      return { status: 200, body: await deps.resources.list(type) };
    },
    async fetch(request) {
      const found = await deps.resources.get(type, requireId(request));
      if (!found) throw notFound(type);
      return { status: 200, body: found };
    },
    async create(request) {
      const body = requireObjectBody(request.body);
      rejectFields(body, SERVER_FIELDS);
      const document = { ...body, id: newId(), organization: await callerOrganization(deps, request) };
      return { status: 201, body: await deps.resources.create(type, document) };
    },
    async update(request) {
      const id = requireId(request);
      const body = requireObjectBody(request.body);
      rejectFields(body, SERVER_FIELDS);
      const updated = await deps.resources.update(type, id, body);
      if (!updated) throw notFound(type);
      return { status: 200, body: updated };
    },
    async delete(request) {
      if (!(await deps.resources.delete(type, requireId(request)))) throw notFound(type);
      return { status: 204 };
    },
  };
}
