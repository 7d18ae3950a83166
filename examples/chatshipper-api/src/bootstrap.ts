import { newId } from './lib/ids.js';
import { withMemberships } from './storage/merge.js';
import type { ResourceRepository, UserRepository } from './storage/types.js';

/** Options of {@link ensureBootstrapAdmin}. */
export interface EnsureBootstrapAdminOptions {
  readonly users: UserRepository;
  readonly resources: ResourceRepository;
  /** `ADMIN_EMAIL` (lower-cased) and `ADMIN_PASSWORD`. */
  readonly email: string;
  readonly password: string;
  /** Hashes the password for the directory (tokens' `hashPassword`). */
  readonly hashPassword: (password: string) => Promise<string>;
}

/** What {@link ensureBootstrapAdmin} found or did. */
export interface BootstrapAdmin {
  readonly id: string;
  readonly organization: string | undefined;
  /** The user's role now: `"admin"` unless someone changed an existing record. */
  readonly role: string;
  /**
   * `true` when this call created the admin (and its organization); `false` when a user with
   * that email already existed (another instance created it, or an earlier run on the same
   * Redis). An existing user is left exactly as it is: its password is not reset.
   */
  readonly created: boolean;
}

/**
 * Makes sure the bootstrap admin exists: creates the root organization (level 1, `parent: null`,
 * `path` its id) and the admin as a member of it with the role `admin`,
 * unless a user with this email already exists. Safe to run on every instance at once and
 * again after a Redis restart: the email's unique index lets exactly one creation win, and a
 * loser removes the organization it made and answers the winner's admin.
 *
 * @example
 * ```ts
 * const admin = await ensureBootstrapAdmin({ users, resources, email, password, hashPassword });
 * if (!admin.created) logger.info('the admin already existed');
 * ```
 */
export async function ensureBootstrapAdmin(options: EnsureBootstrapAdminOptions): Promise<BootstrapAdmin> {
  const { users, resources, email } = options;
  const existing = await users.findByEmail(email);
  if (existing) return { id: existing.id, organization: existing.organization, role: existing.role, created: false };

  // The root organization (level 1) belongs to itself; its path is its id.
  const organization = newId();
  await resources.create('Organization', { id: organization, organization, name: 'ChatShipper', parent: null, level: 1, path: organization });
  const id = newId();
  const admin = {
    id,
    email,
    role: 'admin',
    kind: 'user',
    organization,
    passwordHash: await options.hashPassword(options.password),
    profile: { name: 'Bootstrap admin' },
  } as const;
  const created = await users.create(withMemberships(admin, [{ organization, path: organization, role: 'admin' }]));
  if (created) return { id, organization, role: created.role, created: true };

  // Another instance created the admin between our read and our write: use theirs.
  await resources.delete('Organization', organization);
  const winner = await users.findByEmail(email);
  if (!winner) throw new Error('Could not create the bootstrap admin');
  return { id: winner.id, organization: winner.organization, role: winner.role, created: false };
}
