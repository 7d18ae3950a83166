import { chatshipperTenantPolicy, type ChatShipperPolicy } from '@scopeladder/core';

/**
 * The policy every decision of the server is made with: the ChatShipper matrix with tenancy
 * (organizations, `docs/organizations.md`). The one place to change when `chatshipperPolicy`
 * itself becomes the tenant policy.
 *
 * @example
 * ```ts
 * const auth = createAuthService({ policy: serverPolicy, directory: storage.users, ... });
 * ```
 */
export const serverPolicy: ChatShipperPolicy = chatshipperTenantPolicy;

/** The separator of organization paths (`"<root>#<customer>"`). */
export const PATH_SEPARATOR = '#';
