import type { Membership } from '@scopeladder/core';

/**
 * A user as the auth service sees it. Applications keep users wherever they like and expose
 * them through a {@link UserDirectory}.
 *
 * Two kinds of users:
 * - **without `memberships`** (single organization): the session acts with `role`, in
 *   `organization` when set, with no organization path — exactly as before organizations;
 * - **with `memberships`** (multi-tenant): a session acts in ONE organization the user reaches
 *   (a membership's organization or one of its descendants), with the role the nearest membership
 *   at or above it gives (core's `resolveRole`). The directory then needs `findOrganization`.
 *   `role` and `organization` are not used for decisions for these users.
 *
 * @example
 * ```ts
 * const single: UserRecord = { id: '5f0c8a1e9b3d2c4a6e8f0a1b', email: 'ada@example.com', role: 'admin', organization: 'r1' };
 * const tenant: UserRecord = {
 *   id: '5f0c8a1e9b3d2c4a6e8f0a1c', email: 'eve@example.com', role: 'guest',
 *   memberships: [{ organization: 'c1', role: 'admin' }, { organization: 'r1', role: 'guest' }],
 * };
 * ```
 */
export interface UserRecord {
  /** The user id (ChatShipper: 24 lowercase hex chars). */
  readonly id: string;
  readonly email: string;
  /** The user's role: one scope of the policy's ladder, e.g. `"agent"`. */
  readonly role: string;
  /** `"bot"` for bot users (API keys), `"user"` otherwise. Default `"user"`. */
  readonly kind?: 'user' | 'bot' | undefined;
  /** The user's organization (an id), for users without `memberships`. */
  readonly organization?: string | undefined;
  /**
   * The organizations the user is a member of, with the role held in each (and, unless a nearer
   * membership says otherwise, in every organization below it). The first one is where a login
   * without `organization` acts. At most 1000 (more: a broken directory, `ERR_INTERNAL`); an empty list reaches nothing.
   * A membership may carry the organization's `path`; without it, it is placed by its id.
   */
  readonly memberships?: readonly Membership[] | undefined;
  /** A password hash in the format of `hashPassword` (`scrypt$…`), when the user can log in. */
  readonly passwordHash?: string | undefined;
}

/**
 * An organization as the auth service needs it: its id and its materialized path (the ids from
 * the root down to it, joined by the policy's separator, `"r1#c1"`). The path must end with the
 * id. More fields (`name`, `parent`, `level`) may be present and are ignored.
 *
 * @example
 * ```ts
 * const customer: OrganizationRecord = { id: 'c1', path: 'r1#c1' };
 * ```
 */
export interface OrganizationRecord {
  readonly id: string;
  readonly path: string;
}

/**
 * Where the auth service reads users. Re-read on every refresh and on every API-key request,
 * so a deleted user or a changed role takes effect at once. (A store with a local view, such as
 * `@scopeladder/redis`, remembers what a bot key resolved to: call `endSessionsOfUser(botId)` after
 * changing a bot, as after any privilege change, for it to act at once on every instance; unannounced
 * changes act within the store's bound, 1 s by default.)
 *
 * @example
 * ```ts
 * const directory: UserDirectory = {
 *   findById: (id) => db.users.findOne({ id }),
 *   findByEmail: (email) => db.users.findOne({ email: email.toLowerCase() }),
 *   // with memberships: the organization's path
 *   findOrganization: (id) => db.organizations.findOne({ id }),
 * };
 * ```
 */
export interface UserDirectory {
  /** The user with this id, or `null` (deleted or never existed). */
  findById(id: string): Promise<UserRecord | null>;
  /** The user with this email (the directory decides about case), or `null`. */
  findByEmail(email: string): Promise<UserRecord | null>;
  /**
   * The organization with this id, or `null` (deleted or never existed). Needed when users have
   * `memberships`: login, refresh and every bot API-key request read the selected organization's
   * path through it (organizations do not move, but a deleted one ends its sessions and keys).
   * A user with memberships in a directory without it is a configuration error: `ERR_INTERNAL`.
   */
  findOrganization?(id: string): Promise<OrganizationRecord | null>;
  /**
   * Optional: verify a password yourself (bcrypt, argon2…). When absent, the service verifies
   * `passwordHash` with its built-in scrypt format.
   */
  verifyPassword?(user: UserRecord, password: string): Promise<boolean>;
}
