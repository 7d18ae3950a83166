import { chatshipperPolicy, type ChatShipperPolicy } from '@scopeladder/core';

/**
 * The policy every decision of the server is made with: `chatshipperPolicy`, the ChatShipper
 * matrix with tenancy (organizations, `docs/organizations.md`). The one place to change to run
 * the server with another policy.
 *
 * @example
 * ```ts
 * const auth = createAuthService({ policy: serverPolicy, directory: storage.users, ... });
 * ```
 */
export const serverPolicy: ChatShipperPolicy = chatshipperPolicy;

/** The separator of organization paths (`"<root>#<customer>"`). */
export const PATH_SEPARATOR = '#';
