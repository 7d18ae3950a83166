import { isWithin } from '../lib/paths.js';
import type { ResourceDocument, StoredMembership, StoredUser, UserPatch } from './types.js';

/** The memberships of `current` with the patch's membership changes applied. */
function nextMemberships(current: readonly StoredMembership[], patch: UserPatch): readonly StoredMembership[] {
  let next = current;
  if (patch.membershipsWithin !== undefined) {
    const { path, memberships } = patch.membershipsWithin;
    next = [...next.filter((membership) => !isWithin(membership.path, path)), ...memberships];
  }
  if (patch.roleWithin !== undefined) {
    const { path, role } = patch.roleWithin;
    next = next.map((membership) => (isWithin(membership.path, path) ? { ...membership, role } : membership));
  }
  return next;
}

/**
 * The fields of a user that follow from its memberships: `organizationPaths` (read by the
 * policy), and `role` and `organization` mirroring the first membership.
 *
 * @example
 * ```ts
 * withMemberships(user, [{ organization: 'c1', path: 'r1#c1', role: 'agent' }]);
 * ```
 */
export function withMemberships(user: StoredUser, memberships: readonly StoredMembership[]): StoredUser {
  const first = memberships[0];
  return {
    ...user,
    memberships,
    organizationPaths: memberships.map((membership) => membership.path),
    ...(first === undefined ? {} : { role: first.role, organization: first.organization }),
  };
}

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
  const patched: StoredUser = {
    ...current,
    email: patch.email === undefined ? current.email : patch.email.toLowerCase(),
    ...(patch.role === undefined ? {} : { role: patch.role }),
    ...(patch.passwordHash === undefined ? {} : { passwordHash: patch.passwordHash }),
    profile: patch.profile === undefined ? current.profile : { ...current.profile, ...patch.profile },
  };
  if (current.memberships === undefined || (patch.membershipsWithin === undefined && patch.roleWithin === undefined)) return patched;
  return withMemberships(patched, nextMemberships(current.memberships, patch));
}

/**
 * A resource with `patch` shallow-merged in; `id` never changes, nor do `organization` and
 * `organizationPath` unless the patch moves the record (sets both). Pure.
 *
 * @example
 * ```ts
 * mergeResource({ id, organization, name: 'Ada' }, { phone: '1' }); // { id, organization, name: 'Ada', phone: '1' }
 * ```
 */
export function mergeResource(current: ResourceDocument, patch: Readonly<Record<string, unknown>>): ResourceDocument {
  const moves = typeof patch['organization'] === 'string' && typeof patch['organizationPath'] === 'string';
  return moves
    ? { ...current, ...patch, id: current.id }
    : { ...current, ...patch, id: current.id, organization: current.organization, organizationPath: current.organizationPath };
}
