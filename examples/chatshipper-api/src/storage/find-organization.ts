import type { OrganizationRecord } from '@scopeladder/tokens';
import type { ResourceRepository } from './types.js';

/**
 * An organization as the auth service reads it (`UserDirectory.findOrganization`): its id and
 * path, from the Organization records; `null` when there is none.
 *
 * @example
 * ```ts
 * const users = createMemoryUserRepository((id) => findOrganizationIn(resources, id));
 * ```
 */
export async function findOrganizationIn(resources: ResourceRepository, id: string): Promise<OrganizationRecord | null> {
  const found = await resources.get('Organization', id);
  return found !== null && typeof found['path'] === 'string' ? { id: found.id, path: found['path'] } : null;
}
