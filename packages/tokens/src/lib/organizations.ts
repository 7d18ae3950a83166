// Organizations: which organization a session or a bot API key acts in, and the role it has there.
// The resolution rule (nearest membership at or above) is core's `resolveRole`; the lookups
// (the user's memberships, the organization's path) come from the directory.
import { resolveRole } from '@scopeladder/core';
import type { OrganizationRecord, UserRecord } from '../directory.js';
import type { ServiceContext } from './context.js';
import { callDirectory, fail } from './errors.js';

/** The longest organization id accepted in input, a record or a token (characters). */
export const MAX_ORGANIZATION_ID_LENGTH = 256;
/** The longest organization path accepted from the directory or in a token (characters). */
export const MAX_ORGANIZATION_PATH_LENGTH = 1024;

/** Where a session or a key acts, and with which role. */
export interface SelectedOrganization {
  /** The organization id (`undefined`: a user without memberships and without organization). */
  readonly organization: string | undefined;
  /** Its path; `undefined` when unknown (a user without memberships whose organization has no path: it reaches nothing). */
  readonly path: string | undefined;
  /** The effective role there (a scope of the ladder, or not: checked by the caller). */
  readonly role: string;
}

/** The separator of organization paths: the policy's, else `'#'`. */
export function pathSeparator(context: ServiceContext): string {
  return context.tokens.pathSeparator;
}

/** Whether `value` is an organization id we accept: a non-empty string of bounded length. */
export function isOrganizationId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ORGANIZATION_ID_LENGTH;
}

/**
 * Whether `path` is a well-formed path of the organization `id`: bounded, no empty segment, not
 * starting or ending with the separator, and ending with `id` as its last segment.
 */
export function isPathOf(path: unknown, id: string, separator: string): path is string {
  return (
    typeof path === 'string' &&
    path.length > 0 &&
    path.length <= MAX_ORGANIZATION_PATH_LENGTH &&
    !path.startsWith(separator) &&
    !path.endsWith(separator) &&
    !path.includes(separator + separator) &&
    (path === id || path.endsWith(separator + id))
  );
}

/**
 * The path of organization `id`, read from the directory; `null` when it does not exist. A
 * directory without `findOrganization`, or one answering a malformed record or another
 * organization, is broken: `ERR_INTERNAL` (fail closed).
 */
export async function findOrganizationPath(context: ServiceContext, id: string): Promise<string | null> {
  const { directory } = context;
  if (typeof directory.findOrganization !== 'function') {
    fail('ERR_INTERNAL', 'The user directory cannot find organizations (findOrganization)');
  }
  const record: unknown = await callDirectory(() =>
    (directory.findOrganization as (id: string) => Promise<OrganizationRecord | null>).call(directory, id),
  );
  if (record === null || record === undefined) return null;
  if (typeof record !== 'object') fail('ERR_INTERNAL', 'The user directory returned an invalid organization');
  const { id: recordId, path } = record as Record<string, unknown>;
  if (recordId !== id || !isPathOf(path, id, pathSeparator(context))) {
    fail('ERR_INTERNAL', 'The user directory returned an invalid organization');
  }
  return path;
}

/**
 * The path a user without memberships acts at: only with a tenancy policy, its `organization`'s
 * path when the directory has `findOrganization` and knows it; else none, and a tenancy policy
 * then grants that principal nothing (deny by default). Without tenancy: none, as before.
 */
async function singleOrganizationPath(
  context: ServiceContext,
  organization: string | undefined,
  knownPath: string | undefined,
): Promise<string | undefined> {
  if (context.policy.tenancy === null || !isOrganizationId(organization) || typeof context.directory.findOrganization !== 'function')
    return undefined;
  return knownPath ?? (await findOrganizationPath(context, organization)) ?? undefined;
}

/**
 * Where `user` acts when asking for `requested` (`undefined`: the default), or `null` when the
 * user does not reach it.
 *
 * - A user with `memberships`: `requested`, else the first membership's organization; its path
 *   from the directory (`null` when it does not exist); the role from `resolveRole` (`null`
 *   when no membership is at or above it). `knownPath` skips the lookup (login's second read).
 * - A user without `memberships`: its own `organization` and `role`; asking for any other
 *   organization is `null`. A path only with a tenancy policy: its organization's, from the
 *   directory's `findOrganization` (none when it has none or does not know it: such a principal
 *   reaches nothing). Without tenancy no path, exactly as before organizations.
 */
export async function selectOrganization(
  context: ServiceContext,
  user: UserRecord,
  requested: string | undefined,
  knownPath?: string,
): Promise<SelectedOrganization | null> {
  const { memberships } = user;
  if (memberships === undefined) {
    if (requested !== undefined && requested !== user.organization) return null;
    return { organization: user.organization, path: await singleOrganizationPath(context, user.organization, knownPath), role: user.role };
  }
  const target = requested ?? memberships[0]?.organization;
  if (target === undefined) return null;
  const path = knownPath ?? (await findOrganizationPath(context, target));
  if (path === null) return null;
  const role = resolveRole(memberships, path, { separator: pathSeparator(context), ladder: context.ladder });
  return role === null ? null : { organization: target, path, role };
}
