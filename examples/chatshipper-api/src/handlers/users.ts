import { ScopeladderError, subject } from '@scopeladder/core';
import { omitFields, rejectFields, requireObjectBody, type JsonObject } from '../lib/body.js';
import { newId } from '../lib/ids.js';
import { isWithin } from '../lib/paths.js';
import { toPublicUser } from '../lib/public-user.js';
import type { OrganizationRecord } from '@scopeladder/tokens';
import type { ApiDependencies, ApiRequest, ResourceHandlers } from '../routes.js';
import { applyUserPatch, withMemberships } from '../storage/merge.js';
import type { StoredMembership, StoredUser, UserPatch } from '../storage/types.js';
import { EMPTY_LIST, actingIn, listAnswer, listQueryOf, notFound, organizationInReach, outsideReach, requireId } from './common.js';

/** Fields a client may never send on a user: the server sets them, or they are secrets. */
const SERVER_FIELDS = ['id', 'kind', 'passwordHash', 'apiToken', 'apiKey', 'memberships', 'organizationPaths'] as const;
/** On an update, the organization is not a field either: memberships change through `organizations`. */
const SERVER_FIELDS_ON_UPDATE = [...SERVER_FIELDS, 'organization'] as const;
/**
 * Fields with meaning; everything else is kept as profile data (e.g. `name`). `currentPassword`
 * (the confirmation of one's own password change) is read, never stored.
 */
const USER_FIELDS = ['email', 'password', 'role', 'currentPassword', 'organization', 'organizations'] as const;
/** The most memberships one `PATCH {organizations}` may set. */
const MAX_MEMBERSHIPS = 100;

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

/** The caller's reach: the path of its selected organization (memberships are changed only inside it). */
function reachOf(request: ApiRequest): string {
  const reach = request.auth.principal.organizationPath;
  if (reach === undefined) throw outsideReach();
  return reach;
}

/**
 * Checks that the caller may set roles of `user` in each of `organizations` as it acts THERE
 * (`actingIn`: the role its own memberships give it in that organization, never above the
 * session's): an admin of a customer who is only an agent in one of its sub-organizations
 * cannot grant roles there, itself included (else it could make itself admin where it is not).
 */
async function assertMayGrantRoles(
  deps: ApiDependencies,
  request: ApiRequest,
  user: StoredUser,
  organizations: readonly OrganizationRecord[],
): Promise<void> {
  for (const organization of organizations) {
    // The user as a member of that organization: the question is the caller's right there.
    const placed = { ...user, organizationPaths: [organization.path] };
    deps.auth.policy.authorize(await actingIn(deps, request, organization), 'update', subject('User', placed), 'role');
  }
}

/**
 * Reads `organizations: [{organization, role}]`: every organization within the caller's reach
 * (else 403), no organization twice, roles of the ladder.
 */
async function readMemberships(deps: ApiDependencies, request: ApiRequest, value: unknown): Promise<StoredMembership[]> {
  if (!Array.isArray(value) || value.length > MAX_MEMBERSHIPS) {
    throw invalid(`organizations must be an array of at most ${MAX_MEMBERSHIPS} { organization, role } objects`);
  }
  const memberships: StoredMembership[] = [];
  for (const entry of value as unknown[]) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw invalid('organizations must hold { organization, role } objects');
    const { organization, role } = entry as Record<string, unknown>;
    const found = await organizationInReach(deps, request, organization);
    if (memberships.some((membership) => membership.organization === found.id)) throw invalid('organizations names an organization twice');
    memberships.push({ organization: found.id, path: found.path, role: readRole(role, deps.roles) });
  }
  return memberships;
}

/** Whether the user has a membership the caller does not reach (then it is not only the caller's to manage). */
function reachesBeyond(user: StoredUser, reach: string): boolean {
  return (user.memberships ?? []).some((membership) => !isWithin(membership.path, reach));
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
 * Tenancy: a user is a member of organizations with a role in each; answers show only the
 * memberships inside the caller's reach (`organizations`), lists hold only users with one.
 *
 * - `POST` takes `{ email, password, role, organization? }`: the new user is a member of
 *   `organization` (default: the caller's; within the caller's reach, else 403) with `role`;
 *   `role: "bot"` creates a bot user whose API key, bound to that organization, is answered once
 *   as `apiToken` (a bot's password is optional: without one it cannot log in).
 * - `PATCH {role}` sets the role of the user's memberships inside the caller's reach;
 *   `PATCH {organizations: [{organization, role}]}` replaces them (needs the right to change a
 *   role); memberships outside the reach stay as they are. Either ends the user's sessions when
 *   a membership changes. Email and password of a user who is also a member outside the caller's
 *   reach can only be changed by the user (403 otherwise).
 * - `PATCH`: the guard has asked the policy about every field sent, so a user may update its
 *   own record but not its own role. A bot's new role applies to its key on the next request
 *   (the auth service re-reads the directory on every API-key request).
 *   Sessions end with the privileges they were issued for: a role change (to a different value)
 *   ends every session of the user; a new `password` set by someone else (an admin) ends every
 *   session of the user; changing one's OWN `password` needs the current one as
 *   `currentPassword` (missing or wrong → 403 `ERR_CURRENT_PASSWORD_INVALID`, counted as a failed
 *   login) and ends every OTHER session of the user — the one that made the change goes on.
 * - `DELETE` removes the user, revokes its API keys and ends its sessions at once; a user who is
 *   also a member outside the caller's reach only loses the memberships inside it.
 *
 * @example
 * ```ts
 * const users = createUserHandlers(deps);
 * await users.create({ auth, params: {}, body: { email: 'bot@x.io', role: 'bot' } }); // body.apiToken
 * ```
 */
export function createUserHandlers(deps: ApiDependencies): ResourceHandlers {
  return {
    async list(request) {
      const query = await listQueryOf(deps, request, 'User');
      if (query === null) return EMPTY_LIST;
      const viewer = request.auth.principal.organizationPath;
      return listAnswer(request, await deps.users.list(query), (user) => toPublicUser(user, viewer));
    },

    async fetch(request) {
      const found = await deps.users.findById(requireId(request));
      if (!found) throw notFound('User');
      return { status: 200, body: toPublicUser(found, request.auth.principal.organizationPath) };
    },

    async create(request) {
      const body = requireObjectBody(request.body);
      rejectFields(body, SERVER_FIELDS);
      const email = readEmail(body['email']);
      const role = readRole(body['role'], deps.roles);
      const isBot = role === BOT_ROLE;
      const password = isBot && body['password'] === undefined ? undefined : readPassword(body['password']);
      if (body['organizations'] !== undefined) throw invalid('A new user is a member of one organization: name it as organization');
      const organization = await organizationInReach(deps, request, body['organization']);
      const user: StoredUser = withMemberships(
        {
          id: newId(),
          email,
          role,
          kind: isBot ? 'bot' : 'user',
          organization: organization.id,
          ...(password === undefined ? {} : { passwordHash: await deps.hashPassword(password) }),
          profile: readProfile(body),
        },
        [{ organization: organization.id, path: organization.path, role }],
      );
      deps.auth.policy.authorize(await actingIn(deps, request, organization), 'create', subject('User', { ...user }));
      const created = await deps.users.create(user);
      if (!created) throw invalid('A user with this email already exists');
      const viewer = request.auth.principal.organizationPath;
      if (!isBot) return { status: 201, body: toPublicUser(created, viewer) };
      try {
        const key = await deps.auth.createApiKey(created.id, [BOT_ROLE], { organization: organization.id });
        return { status: 201, body: { ...toPublicUser(created, viewer), apiToken: key.apiKey } };
      } catch (error) {
        await deps.users.delete(created.id);
        throw error;
      }
    },

    async update(request) {
      const id = requireId(request);
      const body = requireObjectBody(request.body);
      rejectFields(body, SERVER_FIELDS_ON_UPDATE);
      const self = request.auth.principal.id === id;
      const email = body['email'] === undefined ? undefined : readEmail(body['email']);
      const role = body['role'] === undefined ? undefined : readRole(body['role'], deps.roles);
      const password = body['password'] === undefined ? undefined : readPassword(body['password']);
      const before = await deps.users.findById(id);
      if (!before) throw notFound('User');
      const tenant = before.memberships !== undefined;
      let memberships: StoredMembership[] | undefined;
      if (body['organizations'] !== undefined) {
        // Memberships are roles: the same right as changing `role` (the policy's protected field).
        deps.auth.policy.authorize(request.auth.principal, 'update', subject('User', { ...before }), 'role');
        memberships = await readMemberships(deps, request, body['organizations']);
      }
      if (tenant && (role !== undefined || memberships !== undefined)) {
        // Roles are granted where the caller's own role allows it: in every organization whose
        // membership changes (the target's memberships inside the reach, and the new ones).
        const reach = reachOf(request);
        const touched = [...(before.memberships ?? []).filter((membership) => isWithin(membership.path, reach)), ...(memberships ?? [])];
        await assertMayGrantRoles(
          deps,
          request,
          before,
          touched.map((membership) => ({ id: membership.organization, path: membership.path })),
        );
      }
      if (tenant && !self && (email !== undefined || password !== undefined) && reachesBeyond(before, reachOf(request))) {
        throw new ScopeladderError(
          'ERR_FORBIDDEN',
          'This user is also a member of organizations outside your reach: only the user may change its email or password',
        );
      }
      if (password !== undefined && self) {
        // Re-authentication: a stolen access token alone cannot take the account over.
        const current = body['currentPassword'];
        await deps.auth.confirmPassword(id, typeof current === 'string' ? current : '', { source: request.source });
      }
      const patch: UserPatch = {
        ...(email === undefined ? {} : { email }),
        ...(role === undefined || tenant ? {} : { role }),
        ...(role !== undefined && tenant ? { roleWithin: { path: reachOf(request), role } } : {}),
        ...(memberships === undefined ? {} : { membershipsWithin: { path: reachOf(request), memberships } }),
        ...(password === undefined ? {} : { passwordHash: await deps.hashPassword(password) }),
        profile: readProfile(body),
      };
      const after = applyUserPatch(before, patch);
      if (after.memberships !== undefined && after.memberships.length === 0) throw invalid('A user must stay a member of some organization');
      const write = () => deps.users.update(id, patch);
      let updated: Awaited<ReturnType<typeof write>>;
      // Only a real change ends sessions (a client saving a whole record with the same role keeps
      // them). A change written whose second end failed (503) left no old session: the first end,
      // before the write, ended them all; the second only covers logins racing the write.
      const rolesChange = after.role !== before.role || JSON.stringify(after.memberships) !== JSON.stringify(before.memberships);
      if (rolesChange) {
        updated = await writeThenEndSessions(deps, id, write); // every session: all carry the old role
      } else if (password !== undefined) {
        updated = await writeThenEndSessions(deps, id, write, self ? callerSession(request) : undefined);
      } else {
        updated = await write();
      }
      if (updated === 'email_taken') throw invalid('A user with this email already exists');
      if (!updated) throw notFound('User');
      return { status: 200, body: toPublicUser(updated, request.auth.principal.organizationPath) };
    },

    async delete(request) {
      const id = requireId(request);
      const current = await deps.users.findById(id);
      if (!current) throw notFound('User');
      if (current.memberships !== undefined && reachesBeyond(current, reachOf(request))) {
        // Also a member elsewhere: only the memberships inside the caller's reach go.
        const patch: UserPatch = { membershipsWithin: { path: reachOf(request), memberships: [] } };
        const updated = await writeThenEndSessions(deps, id, () => deps.users.update(id, patch));
        if (!updated || updated === 'email_taken') throw notFound('User');
        return { status: 204 };
      }
      const deleted = await writeThenEndSessions(deps, id, () => deps.users.delete(id));
      if (!deleted) throw notFound('User');
      // The directory no longer knows the user, so its keys already fail; revoke them for good.
      await deps.auth.revokeApiKeysOfUser(id);
      return { status: 204 };
    },
  };
}
