import { ScopeladderError } from '@scopeladder/core';
import { omitFields, rejectFields, requireObjectBody, type JsonObject } from '../lib/body.js';
import { newId } from '../lib/ids.js';
import { toPublicUser } from '../lib/public-user.js';
import type { ApiDependencies, ResourceHandlers } from '../routes.js';
import type { StoredUser, UserPatch } from '../storage/types.js';
import { callerOrganization, notFound, requireId } from './common.js';

/** Fields a client may never send on a user: the server sets them, or they are secrets. */
const SERVER_FIELDS = ['id', 'organization', 'kind', 'passwordHash', 'apiToken', 'apiKey'] as const;
/** Fields with meaning; everything else is kept as profile data (e.g. `name`). */
const USER_FIELDS = ['email', 'password', 'role'] as const;

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MAX_EMAIL_LENGTH = 254;
const MIN_PASSWORD_LENGTH = 8;
const MAX_PASSWORD_LENGTH = 1024;
/** The role that makes a bot: its user gets an API key, returned once as `apiToken`. */
const BOT_ROLE = 'bot';

function invalid(message: string): ScopeladderError {
  return new ScopeladderError('ERR_INVALID_REQUEST', message);
}

function readEmail(value: unknown): string {
  if (typeof value !== 'string' || value.length > MAX_EMAIL_LENGTH || !EMAIL.test(value)) {
    throw invalid('email must be an email address');
  }
  return value.toLowerCase();
}

function readPassword(value: unknown): string {
  if (typeof value !== 'string' || value.length < MIN_PASSWORD_LENGTH || value.length > MAX_PASSWORD_LENGTH) {
    throw invalid(`password must be a string of ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }
  return value;
}

function readRole(value: unknown, roles: readonly string[]): string {
  if (typeof value !== 'string' || !roles.includes(value)) throw invalid(`role must be one of ${roles.join(', ')}`);
  return value;
}

function readProfile(body: JsonObject): Record<string, unknown> {
  return omitFields(body, USER_FIELDS);
}

/**
 * The handlers of `/v2/users` (authorization has already happened in the adapter's guard). Answers carry `id`, `email`, `role`, `organization` (and
 * `kind`, plus any profile fields) and never a password, a hash or a key digest.
 *
 * - `POST` takes `{ email, password, role }`; `role: "bot"` creates a bot user whose API key is
 *   answered once as `apiToken` (a bot's password is optional: without one it cannot log in).
 * - `PATCH`: the guard has asked the policy about every field sent, so a user may update its
 *   own record but not its own role. A bot's new role applies to its key on the next request
 *   (the auth service re-reads the directory on every API-key request).
 * - `DELETE` removes the user and revokes its API keys at once.
 *
 * @example
 * ```ts
 * const users = createUserHandlers(deps);
 * await users.create({ auth, params: {}, body: { email: 'bot@x.io', role: 'bot' } }); // body.apiToken
 * ```
 */
export function createUserHandlers(deps: ApiDependencies): ResourceHandlers {
  return {
    async list() {
      return { status: 200, body: (await deps.users.list()).map(toPublicUser) };
    },

    async fetch(request) {
      const found = await deps.users.findById(requireId(request));
      if (!found) throw notFound('User');
      return { status: 200, body: toPublicUser(found) };
    },

    async create(request) {
      const body = requireObjectBody(request.body);
      rejectFields(body, SERVER_FIELDS);
      const email = readEmail(body['email']);
      const role = readRole(body['role'], deps.roles);
      const isBot = role === BOT_ROLE;
      const password = isBot && body['password'] === undefined ? undefined : readPassword(body['password']);
      const user: StoredUser = {
        id: newId(),
        email,
        role,
        kind: isBot ? 'bot' : 'user',
        organization: await callerOrganization(deps, request),
        ...(password === undefined ? {} : { passwordHash: await deps.hashPassword(password) }),
        profile: readProfile(body),
      };
      const created = await deps.users.create(user);
      if (!created) throw invalid('A user with this email already exists');
      if (!isBot) return { status: 201, body: toPublicUser(created) };
      try {
        const key = await deps.auth.createApiKey(created.id, [BOT_ROLE]);
        return { status: 201, body: { ...toPublicUser(created), apiToken: key.apiKey } };
      } catch (error) {
        await deps.users.delete(created.id);
        throw error;
      }
    },

    async update(request) {
      const id = requireId(request);
      const body = requireObjectBody(request.body);
      rejectFields(body, SERVER_FIELDS);
      const patch: UserPatch = {
        ...(body['email'] === undefined ? {} : { email: readEmail(body['email']) }),
        ...(body['role'] === undefined ? {} : { role: readRole(body['role'], deps.roles) }),
        ...(body['password'] === undefined ? {} : { passwordHash: await deps.hashPassword(readPassword(body['password'])) }),
        profile: readProfile(body),
      };
      const updated = await deps.users.update(id, patch);
      if (updated === 'email_taken') throw invalid('A user with this email already exists');
      if (!updated) throw notFound('User');
      return { status: 200, body: toPublicUser(updated) };
    },

    async delete(request) {
      const id = requireId(request);
      const deleted = await deps.users.delete(id);
      if (!deleted) throw notFound('User');
      // The directory no longer knows the user, so its keys already fail; revoke them for good.
      await deps.auth.revokeApiKeysOfUser(id);
      return { status: 204 };
    },
  };
}
