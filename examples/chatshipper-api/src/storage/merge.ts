import type { ResourceDocument, StoredUser, UserPatch } from './types.js';

/**
 * A user with `patch` applied: the email lower-cased, profile fields merged. Pure, so a
 * backend may apply it again when it retries a compare-and-set.
 *
 * @example
 * ```ts
 * applyUserPatch(user, { role: 'agent', profile: { name: 'Ada' } });
 * ```
 */
export function applyUserPatch(current: StoredUser, patch: UserPatch): StoredUser {
  return {
    ...current,
    email: patch.email === undefined ? current.email : patch.email.toLowerCase(),
    ...(patch.role === undefined ? {} : { role: patch.role }),
    ...(patch.passwordHash === undefined ? {} : { passwordHash: patch.passwordHash }),
    profile: patch.profile === undefined ? current.profile : { ...current.profile, ...patch.profile },
  };
}

/**
 * A resource with `patch` shallow-merged in; `id` and `organization` never change. Pure.
 *
 * @example
 * ```ts
 * mergeResource({ id, organization, name: 'Ada' }, { phone: '1' }); // { id, organization, name: 'Ada', phone: '1' }
 * ```
 */
export function mergeResource(current: ResourceDocument, patch: Readonly<Record<string, unknown>>): ResourceDocument {
  return { ...current, ...patch, id: current.id, organization: current.organization };
}
