import type { StoredUser } from '../storage/types.js';

/** A user as the API answers it: never a password, a hash or a key digest. */
export interface PublicUser {
  readonly id: string;
  readonly email: string;
  readonly role: string;
  readonly organization: string | undefined;
  readonly kind: 'user' | 'bot';
  readonly [field: string]: unknown;
}

/**
 * The answer form of a stored user. Built field by field (an allow-list), so a field added to
 * {@link StoredUser} later cannot leak by accident.
 */
export function toPublicUser(user: StoredUser): PublicUser {
  return {
    ...user.profile,
    id: user.id,
    email: user.email,
    role: user.role,
    organization: user.organization,
    kind: user.kind,
  };
}
