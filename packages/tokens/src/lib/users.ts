import type { UserRecord } from '../directory.js';
import type { ServiceContext } from './context.js';
import { callDirectory, fail } from './errors.js';
import { isOrganizationId } from './organizations.js';

/**
 * Checks what a directory returned: `null`, or a record with string `id`, `email` and `role`,
 * and, when present, `memberships`: an array of at most `MAX_MEMBERSHIPS` objects with a
 * bounded non-empty `organization` id and a string `role` (and a string `path` when present).
 * Anything else is a broken directory: `ERR_INTERNAL` (fail closed).
 */
export function checkUserRecord(value: unknown): UserRecord | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') fail('ERR_INTERNAL', 'The user directory returned an invalid record');
  const { id, email, role, kind, organization, memberships } = value as Record<string, unknown>;
  if (
    typeof id !== 'string' ||
    id === '' ||
    typeof email !== 'string' ||
    typeof role !== 'string' ||
    (kind !== undefined && kind !== 'user' && kind !== 'bot') ||
    (organization !== undefined && typeof organization !== 'string') ||
    (memberships !== undefined && !areMemberships(memberships))
  ) {
    fail('ERR_INTERNAL', 'The user directory returned an invalid record');
  }
  return value as UserRecord;
}

/** Reads a user by id, live; `null` when deleted. A record with another id is refused. */
export async function findUserById(context: ServiceContext, id: string): Promise<UserRecord | null> {
  const user = checkUserRecord(await callDirectory(() => context.directory.findById(id)));
  if (user !== null && user.id !== id) fail('ERR_INTERNAL', 'The user directory returned another user');
  return user;
}

/** Reads a user by email; `null` when unknown. */
export async function findUserByEmail(context: ServiceContext, email: string): Promise<UserRecord | null> {
  return checkUserRecord(await callDirectory(() => context.directory.findByEmail(email)));
}

/** The most memberships a user record may list (more: the directory is broken). */
export const MAX_MEMBERSHIPS = 1000;

function areMemberships(value: unknown): boolean {
  if (!Array.isArray(value) || value.length > MAX_MEMBERSHIPS) return false;
  for (const membership of value as unknown[]) {
    if (typeof membership !== 'object' || membership === null) return false;
    const { organization, role, path } = membership as Record<string, unknown>;
    if (!isOrganizationId(organization) || typeof role !== 'string' || (path !== undefined && typeof path !== 'string')) return false;
  }
  return true;
}
