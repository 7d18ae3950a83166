import { ScopeladderError } from '@scopeladder/core';
import { isOrganizationId, isPathOf } from './lib/organizations.js';
import { MAX_MEMBERSHIPS } from './lib/users.js';
import type { OrganizationRecord, UserDirectory, UserRecord } from './directory.js';

/**
 * The in-memory directory: a {@link UserDirectory} with helpers to change it.
 *
 * @example
 * ```ts
 * const directory: MemoryUserDirectory = createMemoryDirectory();
 * directory.add({ id: '5f0c8a1e9b3d2c4a6e8f0a1c', email: 'bot@example.com', role: 'bot', kind: 'bot' });
 * ```
 */
export interface MemoryUserDirectory extends UserDirectory {
  /**
   * Adds a user. Throws `ERR_INVALID_REQUEST` when the id or the email (case-insensitive) is
   * taken, `TypeError` when the record is not a user record.
   */
  add(user: UserRecord): UserRecord;
  /**
   * Changes a user (e.g. its `role`, to demote a bot); `id` cannot change. Resolves the new
   * record, or `null` when there is no such user. Same errors as {@link add} for the email.
   */
  update(id: string, changes: Partial<Omit<UserRecord, 'id'>>): UserRecord | null;
  /** Deletes a user; `true` if there was one. (Also revoke its API keys with the auth service.) */
  delete(id: string): boolean;
  /** Every user, in insertion order. */
  list(): readonly UserRecord[];
  /** The organization with this id, or `null` (what login, refresh and API keys read for users with memberships). */
  findOrganization(id: string): Promise<OrganizationRecord | null>;
  /**
   * Adds an organization (`{ id, path }`, the path ending with the id; more fields are kept).
   * Throws `ERR_INVALID_REQUEST` when the id is taken, `TypeError` when the record is malformed.
   */
  addOrganization<O extends OrganizationRecord>(organization: O): O;
  /**
   * Deletes an organization; `true` if there was one. Sessions and keys acting there are refused
   * from their next refresh or request; end the sessions of its members with the auth service.
   */
  deleteOrganization(id: string): boolean;
}

/**
 * Options of {@link createMemoryDirectory}.
 *
 * @example
 * ```ts
 * const options: MemoryDirectoryOptions = {
 *   organizations: [{ id: 'r1', path: 'r1' }, { id: 'c1', path: 'r1#c1' }],
 *   separator: '#',
 * };
 * ```
 */
export interface MemoryDirectoryOptions {
  /** The organizations, for users with `memberships`. */
  readonly organizations?: Iterable<OrganizationRecord> | undefined;
  /** The separator of paths (the policy's). Default `'#'`. */
  readonly separator?: string | undefined;
}

/**
 * Creates a simple in-memory {@link UserDirectory}: users by id and by email (emails compare
 * case-insensitively), and organizations by id (for users with `memberships`). Meant for tests,
 * examples and single-process servers; records are frozen copies, so a caller cannot change a
 * user behind the directory's back.
 *
 * @example
 * ```ts
 * import { createMemoryDirectory, hashPassword } from '@scopeladder/tokens';
 *
 * const directory = createMemoryDirectory([
 *   { id: '5f0c8a1e9b3d2c4a6e8f0a1b', email: 'ada@example.com', role: 'admin',
 *     passwordHash: await hashPassword('s3cret-passphrase') },
 * ]);
 * directory.add({ id: '5f0c8a1e9b3d2c4a6e8f0a1c', email: 'bot@example.com', role: 'bot', kind: 'bot' });
 * directory.update('5f0c8a1e9b3d2c4a6e8f0a1c', { role: 'agent' });
 * ```
 *
 * @example Organizations and memberships
 * ```ts
 * const tenants = createMemoryDirectory(
 *   [{ id: '5f0c8a1e9b3d2c4a6e8f0a1d', email: 'eve@example.com', role: 'agent',
 *      memberships: [{ organization: 'c1', role: 'admin' }] }],
 *   { organizations: [{ id: 'r1', path: 'r1' }, { id: 'c1', path: 'r1#c1' }] },
 * );
 * ```
 */
export function createMemoryDirectory(users: Iterable<UserRecord> = [], options: MemoryDirectoryOptions = {}): MemoryUserDirectory {
  if (typeof options !== 'object' || options === null) throw new TypeError('createMemoryDirectory: options must be an object');
  const separator = options.separator ?? '#';
  if (typeof separator !== 'string' || !/^[!-/:-@[-`{-~]$/.test(separator)) {
    throw new TypeError('createMemoryDirectory: separator must be one printable ASCII punctuation character');
  }
  const organizations = new Map<string, OrganizationRecord>();
  const byId = new Map<string, UserRecord>();
  const idByEmail = new Map<string, string>();
  const emailKey = (email: string): string => email.normalize('NFC').toLowerCase();

  const check = (user: UserRecord): UserRecord => {
    if (typeof user !== 'object' || user === null) throw new TypeError('user must be a user record');
    const { id, email, role, kind, organization, passwordHash } = user;
    if (typeof id !== 'string' || id === '') throw new TypeError('user.id must be a non-empty string');
    if (typeof email !== 'string' || email === '') throw new TypeError('user.email must be a non-empty string');
    if (typeof role !== 'string' || role === '') throw new TypeError('user.role must be a non-empty string');
    if (kind !== undefined && kind !== 'user' && kind !== 'bot') throw new TypeError("user.kind must be 'user' or 'bot'");
    if (organization !== undefined && typeof organization !== 'string') throw new TypeError('user.organization must be a string');
    if (passwordHash !== undefined && typeof passwordHash !== 'string') throw new TypeError('user.passwordHash must be a string');
    const { memberships } = user;
    if (memberships === undefined) return Object.freeze({ ...user });
    if (!Array.isArray(memberships) || memberships.length > MAX_MEMBERSHIPS) {
      throw new TypeError(`user.memberships must be an array of at most ${MAX_MEMBERSHIPS} memberships`);
    }
    const copies = memberships.map((membership: unknown) => {
      if (typeof membership !== 'object' || membership === null) throw new TypeError('each membership must be { organization, role }');
      const { organization: id, role: held, path } = membership as Record<string, unknown>;
      if (!isOrganizationId(id)) throw new TypeError('membership.organization must be a non-empty string of at most 256 characters');
      if (typeof held !== 'string' || held === '') throw new TypeError('membership.role must be a non-empty string');
      if (path !== undefined && !isPathOf(path, id, separator)) throw new TypeError('membership.path must be the path of its organization');
      return Object.freeze({ organization: id, role: held, ...(path === undefined ? {} : { path }) });
    });
    return Object.freeze({ ...user, memberships: Object.freeze(copies) });
  };

  const checkOrganization = <O extends OrganizationRecord>(organization: O): O => {
    if (typeof organization !== 'object' || organization === null) throw new TypeError('organization must be { id, path }');
    const { id, path } = organization;
    if (!isOrganizationId(id)) throw new TypeError('organization.id must be a non-empty string of at most 256 characters');
    if (!isPathOf(path, id, separator)) {
      throw new TypeError('organization.path must be the ids from the root down to it, joined by the separator, ending with its id');
    }
    return Object.freeze({ ...organization });
  };

  const emailTaken = (email: string, exceptId?: string): boolean => {
    const owner = idByEmail.get(emailKey(email));
    return owner !== undefined && owner !== exceptId;
  };

  const directory: MemoryUserDirectory = {
    async findById(id) {
      return byId.get(id) ?? null;
    },
    async findByEmail(email) {
      if (typeof email !== 'string') return null;
      const id = idByEmail.get(emailKey(email));
      return id === undefined ? null : (byId.get(id) ?? null);
    },
    add(user) {
      const record = check(user);
      if (byId.has(record.id)) throw new ScopeladderError('ERR_INVALID_REQUEST', 'A user with this id already exists');
      if (emailTaken(record.email)) throw new ScopeladderError('ERR_INVALID_REQUEST', 'A user with this email already exists');
      byId.set(record.id, record);
      idByEmail.set(emailKey(record.email), record.id);
      return record;
    },
    update(id, changes) {
      const current = byId.get(id);
      if (current === undefined) return null;
      const record = check({ ...current, ...changes, id });
      if (emailTaken(record.email, id)) throw new ScopeladderError('ERR_INVALID_REQUEST', 'A user with this email already exists');
      idByEmail.delete(emailKey(current.email));
      idByEmail.set(emailKey(record.email), id);
      byId.set(id, record);
      return record;
    },
    delete(id) {
      const current = byId.get(id);
      if (current === undefined) return false;
      byId.delete(id);
      idByEmail.delete(emailKey(current.email));
      return true;
    },
    list() {
      return [...byId.values()];
    },
    async findOrganization(id) {
      return organizations.get(id) ?? null;
    },
    addOrganization(organization) {
      const record = checkOrganization(organization);
      if (organizations.has(record.id)) throw new ScopeladderError('ERR_INVALID_REQUEST', 'An organization with this id already exists');
      organizations.set(record.id, record);
      return record;
    },
    deleteOrganization(id) {
      return organizations.delete(id);
    },
  };
  for (const organization of options.organizations ?? []) directory.addOrganization(organization);
  for (const user of users) directory.add(user);
  return directory;
}
