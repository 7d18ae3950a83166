import { ScopeladderError } from '@scopeladder/core';
import { isId } from '../lib/ids.js';
import type { ResourceType } from '../resources.js';
import type { ApiDependencies, ApiRequest } from '../routes.js';

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
 * The organization of the caller: the principal's when the token carries it, else the caller's
 * user record's. New resources belong to it.
 */
export async function callerOrganization(deps: ApiDependencies, request: ApiRequest): Promise<string | undefined> {
  const { principal } = request.auth;
  if (typeof principal.organization === 'string') return principal.organization;
  return (await deps.users.findById(principal.id))?.organization;
}
