import { randomBytes } from 'node:crypto';
import { ScopeladderError, type Membership } from '@scopeladder/core';
import { assertStoreText, type OrganizationRecord, type UserDirectory, type UserRecord } from '@scopeladder/tokens';
import type { Pool } from 'pg';
import { createDatabase } from './lib/connection.js';
import { createSchemaCheck } from './lib/schema-check.js';
import { assertPool, quoteIdent, readSchema, readTimeout } from './lib/validate.js';

/**
 * Options of {@link createPostgresDirectory}.
 *
 * @example
 * ```ts
 * const options: PostgresDirectoryOptions = { pool, schema: 'scopeladder' };
 * ```
 */
export interface PostgresDirectoryOptions {
  /** A `pg` Pool, shared with the application; never closed by the directory. */
  readonly pool: Pool;
  /** The schema {@link migrate} created the tables in. Default `"scopeladder"`. */
  readonly schema?: string | undefined;
  /** The longest any call waits for PostgreSQL before `ERR_STORE_UNAVAILABLE`. Default `1000`. */
  readonly timeoutMs?: number | undefined;
}

/**
 * An organization as stored: the tree node with its materialized path.
 *
 * @example
 * ```ts
 * const customer: OrganizationRow = { id: 'c1', name: 'Customer', parent: 'r1', level: 2, path: 'r1#c1' };
 * ```
 */
export interface OrganizationRow extends OrganizationRecord {
  readonly name: string;
  /** The parent's id, `null` for the root. */
  readonly parent: string | null;
  /** 1 (root), 2 (customer) or 3 (sub-organization). */
  readonly level: number;
}

/**
 * What {@link PostgresDirectory.createOrganization} takes.
 *
 * @example
 * ```ts
 * const input: CreateOrganizationInput = { name: 'North', parent: 'c1' };
 * ```
 */
export interface CreateOrganizationInput {
  /** The id (no `#`, no whitespace, at most 64 characters). Default: 24 random hex characters. */
  readonly id?: string | undefined;
  readonly name: string;
  /** The parent's id; absent for a root. A fourth level is refused. */
  readonly parent?: string | undefined;
}

/**
 * What {@link PostgresDirectory.createUser} takes.
 *
 * @example
 * ```ts
 * const input: CreateUserInput = {
 *   email: 'ada@example.com', role: 'agent', passwordHash: await hashPassword('correct horse battery staple'),
 *   memberships: [{ organization: 'c1', role: 'agent' }],
 * };
 * ```
 */
export interface CreateUserInput {
  /** The id. Default: 24 random hex characters (ChatShipper's format). */
  readonly id?: string | undefined;
  /** Unique without regard to case. */
  readonly email: string;
  /** The role of a user without memberships (and kept for display with them). */
  readonly role: string;
  readonly kind?: 'user' | 'bot' | undefined;
  /** The organization of a user without memberships. */
  readonly organization?: string | undefined;
  /** From `hashPassword` of `@scopeladder/tokens` (never a password). */
  readonly passwordHash?: string | undefined;
  /** Memberships, first one first (where a login without `organization` acts). */
  readonly memberships?: readonly Pick<Membership, 'organization' | 'role'>[] | undefined;
}

/**
 * A {@link UserDirectory} on PostgreSQL (users, memberships, the organization tree), plus the
 * few writes an application needs.
 *
 * @example
 * ```ts
 * const directory: PostgresDirectory = createPostgresDirectory({ pool });
 * const root = await directory.createOrganization({ name: 'Contact center' });
 * ```
 */
export interface PostgresDirectory extends UserDirectory {
  findById(id: string): Promise<UserRecord | null>;
  findByEmail(email: string): Promise<UserRecord | null>;
  findOrganization(id: string): Promise<OrganizationRow | null>;
  /** Creates an organization under `parent` (its path and level derived from it). Unknown parent or a fourth level: `ERR_INVALID_REQUEST`; a taken id: `ERR_CONFLICT`. */
  createOrganization(input: CreateOrganizationInput): Promise<OrganizationRow>;
  /** Creates a user. A taken id or email: `ERR_CONFLICT`; a membership in an unknown organization: `ERR_INVALID_REQUEST`. */
  createUser(input: CreateUserInput): Promise<UserRecord>;
  /**
   * Replaces a user's memberships (in one transaction); resolves `false` for an unknown user. Then
   * call the auth service's `endSessionsOfUser(userId)`, as after any role change.
   */
  setMemberships(userId: string, memberships: readonly Pick<Membership, 'organization' | 'role'>[]): Promise<boolean>;
  /** Deletes a user and its memberships; resolves `false` when there was none. Delete its API keys from the store too. */
  deleteUser(id: string): Promise<boolean>;
}

/** The limit of UserRecord.memberships in @scopeladder/tokens. */
const MAX_MEMBERSHIPS = 1000;
const ORGANIZATION_ID = /^[^#\s]{1,64}$/;
const MAX_LEVEL = 3;

interface UserRow {
  id: string;
  email: string;
  role: string;
  kind: 'user' | 'bot';
  organization: string | null;
  password_hash: string | null;
  memberships: { organization: string; role: string; path: string }[];
}

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    kind: row.kind,
    ...(row.organization === null ? {} : { organization: row.organization }),
    ...(row.password_hash === null ? {} : { passwordHash: row.password_hash }),
    ...(row.memberships.length === 0 ? {} : { memberships: row.memberships.map(({ organization, role, path }) => ({ organization, role, path })) }),
  };
}

function readMemberships(value: unknown): readonly Pick<Membership, 'organization' | 'role'>[] {
  if (!Array.isArray(value) || value.length > MAX_MEMBERSHIPS) throw new TypeError(`memberships must be an array of at most ${MAX_MEMBERSHIPS}`);
  const seen = new Set<string>();
  for (const membership of value as unknown[]) {
    const { organization, role } = (membership ?? {}) as { organization?: unknown; role?: unknown };
    assertStoreText(organization, 'membership.organization');
    assertStoreText(role, 'membership.role');
    if (seen.has(organization)) throw new TypeError(`memberships name the organization ${JSON.stringify(organization)} twice`);
    seen.add(organization);
  }
  return value as readonly Pick<Membership, 'organization' | 'role'>[];
}

function conflict(error: unknown, what: string): unknown {
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (code === '23505') return new ScopeladderError('ERR_CONFLICT', `${what} already exists`);
  if (code === '23503') return new ScopeladderError('ERR_INVALID_REQUEST', 'Unknown organization');
  return error;
}

/**
 * Creates a {@link UserDirectory} on PostgreSQL for applications that want ours: users (emails
 * unique without regard to case), memberships with roles, and the organization tree (at most three
 * levels) with materialized paths (`r1#c1#s1`). `findById` and `findByEmail` answer a user with
 * its memberships and their paths in one query; `findOrganization` answers `{ id, path, … }`.
 * Needs the schema of {@link migrate}; fails closed like the store (`ERR_STORE_UNAVAILABLE`).
 *
 * @example
 * ```ts
 * import { createAuthService, hashPassword } from '@scopeladder/tokens';
 * import { createPostgresDirectory, createPostgresStore } from '@scopeladder/postgres';
 *
 * const directory = createPostgresDirectory({ pool });
 * const root = await directory.createOrganization({ name: 'Contact center' });
 * await directory.createUser({
 *   email: 'ada@example.com', role: 'admin', passwordHash: await hashPassword('correct horse battery staple'),
 *   memberships: [{ organization: root.id, role: 'admin' }],
 * });
 * const auth = createAuthService({ directory, store: createPostgresStore({ pool }), keys });
 * ```
 */
export function createPostgresDirectory(options: PostgresDirectoryOptions): PostgresDirectory {
  if (typeof options !== 'object' || options === null) throw new TypeError('createPostgresDirectory: options must be an object');
  assertPool(options.pool, 'createPostgresDirectory');
  const schema = readSchema(options.schema, 'createPostgresDirectory');
  const timeoutMs = readTimeout(options.timeoutMs, 1000, 'timeoutMs', 'createPostgresDirectory');
  const database = createDatabase(options.pool, timeoutMs);
  const ensureSchema = createSchemaCheck(database, schema, 'createPostgresDirectory');
  const q = quoteIdent(schema);
  const selectUser = `SELECT u.id, u.email, u.role, u.kind, u.organization, u.password_hash,
      COALESCE((SELECT json_agg(json_build_object('organization', m.organization, 'role', m.role, 'path', o.path) ORDER BY m.position)
                FROM ${q}.memberships m JOIN ${q}.organizations o ON o.id = m.organization WHERE m.user_id = u.id), '[]'::json) AS memberships
    FROM ${q}.users u`;

  async function findUser(where: string, value: string): Promise<UserRecord | null> {
    await ensureSchema();
    const [row] = await database.run((session) => session.query<UserRow>({ text: `${selectUser} WHERE ${where}`, values: [value] }));
    return row === undefined ? null : toUser(row);
  }

  return {
    findById(id) {
      assertStoreText(id, 'id');
      return findUser('u.id = $1', id);
    },

    findByEmail(email) {
      assertStoreText(email, 'email');
      return findUser('lower(u.email) = lower($1)', email);
    },

    async findOrganization(id) {
      assertStoreText(id, 'id');
      await ensureSchema();
      const [row] = await database.run((session) =>
        session.query<OrganizationRow>({ text: `SELECT id, name, parent, level, path FROM ${q}.organizations WHERE id = $1`, values: [id] }),
      );
      return row ?? null;
    },

    async createOrganization(input) {
      if (typeof input !== 'object' || input === null) throw new TypeError('createOrganization: input must be an object');
      const id = input.id ?? randomBytes(12).toString('hex');
      if (typeof id !== 'string' || !ORGANIZATION_ID.test(id))
        throw new TypeError('createOrganization: id must be 1–64 characters without "#" or whitespace');
      assertStoreText(input.name, 'name');
      if (input.parent !== undefined) assertStoreText(input.parent, 'parent');
      await ensureSchema();
      return database
        .transaction(async (session) => {
          let path = id;
          let level = 1;
          if (input.parent !== undefined) {
            const [parent] = await session.query<{ path: string; level: number }>({
              text: `SELECT path, level FROM ${q}.organizations WHERE id = $1 FOR SHARE`,
              values: [input.parent],
            });
            if (parent === undefined) throw new ScopeladderError('ERR_INVALID_REQUEST', 'Unknown parent organization');
            if (parent.level >= MAX_LEVEL) throw new ScopeladderError('ERR_INVALID_REQUEST', 'Organizations are at most three levels deep');
            path = `${parent.path}#${id}`;
            level = parent.level + 1;
          }
          const [row] = await session.query<OrganizationRow>({
            text: `INSERT INTO ${q}.organizations (id, name, parent, level, path) VALUES ($1, $2, $3, $4, $5) RETURNING id, name, parent, level, path`,
            values: [id, input.name, input.parent ?? null, level, path],
          });
          return row as OrganizationRow;
        })
        .catch((error: unknown) => {
          throw conflict(error, 'The organization');
        });
    },

    async createUser(input) {
      if (typeof input !== 'object' || input === null) throw new TypeError('createUser: input must be an object');
      const id = input.id ?? randomBytes(12).toString('hex');
      assertStoreText(id, 'id');
      assertStoreText(input.email, 'email');
      assertStoreText(input.role, 'role');
      const kind = input.kind ?? 'user';
      if (kind !== 'user' && kind !== 'bot') throw new TypeError('createUser: kind must be "user" or "bot"');
      if (input.organization !== undefined) assertStoreText(input.organization, 'organization');
      if (input.passwordHash !== undefined) assertStoreText(input.passwordHash, 'passwordHash');
      const memberships = readMemberships(input.memberships ?? []);
      await ensureSchema();
      await database
        .transaction(async (session) => {
          await session.query({
            text: `INSERT INTO ${q}.users (id, email, role, kind, organization, password_hash) VALUES ($1, $2, $3, $4, $5, $6)`,
            values: [id, input.email, input.role, kind, input.organization ?? null, input.passwordHash ?? null],
          });
          for (const [position, membership] of memberships.entries()) {
            await session.query({
              text: `INSERT INTO ${q}.memberships (user_id, organization, role, position) VALUES ($1, $2, $3, $4)`,
              values: [id, membership.organization, membership.role, position],
            });
          }
        })
        .catch((error: unknown) => {
          throw conflict(error, 'A user with this id or email');
        });
      return (await findUser('u.id = $1', id)) as UserRecord;
    },

    async setMemberships(userId, list) {
      assertStoreText(userId, 'userId');
      const memberships = readMemberships(list);
      await ensureSchema();
      return database
        .transaction(async (session) => {
          const [user] = await session.query({ text: `SELECT 1 FROM ${q}.users WHERE id = $1 FOR UPDATE`, values: [userId] });
          if (user === undefined) return false;
          await session.query({ text: `DELETE FROM ${q}.memberships WHERE user_id = $1`, values: [userId] });
          for (const [position, membership] of memberships.entries()) {
            await session.query({
              text: `INSERT INTO ${q}.memberships (user_id, organization, role, position) VALUES ($1, $2, $3, $4)`,
              values: [userId, membership.organization, membership.role, position],
            });
          }
          return true;
        })
        .catch((error: unknown) => {
          throw conflict(error, 'The membership');
        });
    },

    async deleteUser(id) {
      assertStoreText(id, 'id');
      await ensureSchema();
      const rows = await database.run((session) => session.query({ text: `DELETE FROM ${q}.users WHERE id = $1 RETURNING id`, values: [id] }));
      return rows.length > 0;
    },
  };
}
