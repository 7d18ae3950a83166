import { ScopeladderError } from '@scopeladder/core';
import { omitFields, rejectFields, requireObjectBody, type JsonObject } from '../lib/body.js';
import { newId } from '../lib/ids.js';
import { toPublicUser } from '../lib/public-user.js';
import type { ApiDependencies, ApiRequest, ResourceHandlers } from '../routes.js';
import type { StoredUser, UserPatch } from '../storage/types.js';
import { callerOrganization, notFound, requireId } from './common.js';

/** Fields a client may never send on a user: the server sets them, or they are secrets. */
const SERVER_FIELDS = ['id', 'organization', 'kind', 'passwordHash', 'apiToken', 'apiKey'] as const;
/**
 * Fields with meaning; everything else is kept as profile data (e.g. `name`). `currentPassword`
 * (the confirmation of one's own password change) is read, never stored.
 */
const USER_FIELDS = ['email', 'password', 'role', 'currentPassword'] as const;

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

/** The caller's own session (refresh family), when it authenticated with an access token. */
function callerSession(request: ApiRequest): string | undefined {
  const { token } = request.auth;
  return token.kind === 'jwt' ? token.familyId : undefined;
}

/**
 * Runs a directory write that takes privileges away, and ends the user's sessions (except
 * `except`) around it: before, so that an unavailable token store fails the request (503)
 * before anything is written; after, because that is the call that counts — a login or
 * refresh racing the write either reads the new record or has its new session ended by it
 * (`endSessionsOfUser` documents the ordering). Sessions started after it are not touched.
 */
async function writeThenEndSessions<T>(deps: ApiDependencies, userId: string, write: () => Promise<T>, except?: string): Promise<T> {
  const options = except === undefined ? {} : { except };
  await deps.auth.endSessionsOfUser(userId, options);
  const result = await write();
  await deps.auth.endSessionsOfUser(userId, options);
  return result;
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
 *   Sessions end with the privileges they were issued for: a role change (to a different value)
 *   ends every session of the user; a new `password` set by someone else (an admin) ends every
 *   session of the user; changing one's OWN `password` needs the current one as
 *   `currentPassword` (missing or wrong → 403 `ERR_CURRENT_PASSWORD_INVALID`, counted as a failed
 *   login) and ends every OTHER session of the user — the one that made the change goes on.
 * - `DELETE` removes the user, revokes its API keys and ends its sessions at once.
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
      const self = request.auth.principal.id === id;
      const email = body['email'] === undefined ? undefined : readEmail(body['email']);
      const role = body['role'] === undefined ? undefined : readRole(body['role'], deps.roles);
      const password = body['password'] === undefined ? undefined : readPassword(body['password']);
      if (password !== undefined && self) {
        // Re-authentication: a stolen access token alone cannot take the account over.
        const current = body['currentPassword'];
        await deps.auth.confirmPassword(id, typeof current === 'string' ? current : '', { source: request.source });
      }
      const patch: UserPatch = {
        ...(email === undefined ? {} : { email }),
        ...(role === undefined ? {} : { role }),
        ...(password === undefined ? {} : { passwordHash: await deps.hashPassword(password) }),
        profile: readProfile(body),
      };
      const write = () => deps.users.update(id, patch);
      let updated: Awaited<ReturnType<typeof write>>;
      const before = role === undefined ? null : await deps.users.findById(id);
      if (role !== undefined && before?.role !== role) {
        updated = await writeThenEndSessions(deps, id, write); // every session: all carry the old role
      } else if (password !== undefined) {
        updated = await writeThenEndSessions(deps, id, write, self ? callerSession(request) : undefined);
      } else {
        updated = await write();
      }
      if (updated === 'email_taken') throw invalid('A user with this email already exists');
      if (!updated) throw notFound('User');
      return { status: 200, body: toPublicUser(updated) };
    },

    async delete(request) {
      const id = requireId(request);
      const deleted = await writeThenEndSessions(deps, id, () => deps.users.delete(id));
      if (!deleted) throw notFound('User');
      // The directory no longer knows the user, so its keys already fail; revoke them for good.
      await deps.auth.revokeApiKeysOfUser(id);
      return { status: 204 };
    },
  };
}
