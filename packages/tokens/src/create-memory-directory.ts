import { ScopeladderError } from '@scopeladder/core';
import type { UserDirectory, UserRecord } from './directory.js';

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
}

/**
 * Creates a simple in-memory {@link UserDirectory}: users by id and by email (emails compare
 * case-insensitively). Meant for tests, examples and single-process servers; records are frozen
 * copies, so a caller cannot change a user behind the directory's back.
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
 */
export function createMemoryDirectory(users: Iterable<UserRecord> = []): MemoryUserDirectory {
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
    return Object.freeze({ ...user });
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
  };
  for (const user of users) directory.add(user);
  return directory;
}
