import { isWithin } from './paths.js';
import type { StoredUser } from '../storage/types.js';

/** A membership as the API answers it. */
export interface PublicMembership {
  readonly organization: string;
  readonly role: string;
}

/** A user as the API answers it: never a password, a hash or a key digest. */
export interface PublicUser {
  readonly id: string;
  readonly email: string;
  /** The role in `organization`. */
  readonly role: string;
  /** The first of the user's organizations the viewer reaches. */
  readonly organization: string | undefined;
  readonly kind: 'user' | 'bot';
  /** The memberships inside the viewer's reach (users with memberships only). */
  readonly organizations?: readonly PublicMembership[];
  readonly [field: string]: unknown;
}

/**
 * The answer form of a stored user for a viewer acting at `viewerPath`. Built field by field (an
 * allow-list), so a field added to {@link StoredUser} later cannot leak by accident. Of a user
 * with memberships it shows only those inside the viewer's reach (`organizations`), and `role`
 * and `organization` from the first of them: nothing about other tenants.
 *
 * @example
 * ```ts
 * toPublicUser(user, request.auth.principal.organizationPath);
 * ```
 */
export function toPublicUser(user: StoredUser, viewerPath?: string): PublicUser {
  const { id, email, kind } = user;
  if (user.memberships === undefined) return { ...user.profile, id, email, role: user.role, organization: user.organization, kind };
  const visible = user.memberships.filter((membership) => isWithin(membership.path, viewerPath));
  const first = visible[0];
  return {
    ...user.profile,
    id,
    email,
    role: first?.role ?? user.role,
    organization: first?.organization,
    organizations: visible.map(({ organization, role }) => ({ organization, role })),
    kind,
  };
}
