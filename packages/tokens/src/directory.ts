/**
 * A user as the auth service sees it. Applications keep users wherever they like and expose
 * them through a {@link UserDirectory}.
 */
export interface UserRecord {
  /** The user id (ChatShipper: 24 lowercase hex chars). */
  readonly id: string;
  readonly email: string;
  /** The user's role: one scope of the policy's ladder, e.g. `"agent"`. */
  readonly role: string;
  /** `"bot"` for bot users (API keys), `"user"` otherwise. Default `"user"`. */
  readonly kind?: 'user' | 'bot' | undefined;
  readonly organization?: string | undefined;
  /** A password hash in the format of `hashPassword` (`scrypt$…`), when the user can log in. */
  readonly passwordHash?: string | undefined;
}

/**
 * Where the auth service reads users. Re-read on every refresh and on every API-key request,
 * so a deleted user or a changed role takes effect at once.
 *
 * @example
 * ```ts
 * const directory: UserDirectory = {
 *   findById: (id) => db.users.findOne({ id }),
 *   findByEmail: (email) => db.users.findOne({ email: email.toLowerCase() }),
 * };
 * ```
 */
export interface UserDirectory {
  /** The user with this id, or `null` (deleted or never existed). */
  findById(id: string): Promise<UserRecord | null>;
  /** The user with this email (the directory decides about case), or `null`. */
  findByEmail(email: string): Promise<UserRecord | null>;
  /**
   * Optional: verify a password yourself (bcrypt, argon2…). When absent, the service verifies
   * `passwordHash` with its built-in scrypt format.
   */
  verifyPassword?(user: UserRecord, password: string): Promise<boolean>;
}
