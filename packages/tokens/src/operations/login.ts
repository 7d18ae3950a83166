import type { LoginInput, RequestContext, TokenResponse } from '../service-types.js';
import { familyRevocationUntil, now, type ServiceContext } from '../lib/context.js';
import { credentialChannel, publishCredential, sourceField } from '../lib/diagnostics.js';
import { callStore, fail } from '../lib/errors.js';
import type { LoginFailureCause } from '../diagnostics/messages.js';
import { isScopeladderError } from '@scopeladder/core';
import { buildTokenResponse, newFamilyId, prepareRefreshToken } from '../lib/issue-tokens.js';
import { MAX_PASSWORD_LENGTH, burnPasswordWork, passwordMatches } from '../lib/password-check.js';
import { beginLoginAttempt } from '../lib/throttle.js';
import { isOrganizationId, selectOrganization } from '../lib/organizations.js';
import { findUserByEmail, findUserById } from '../lib/users.js';
import { narrowTo, readRequestedScope } from '../lib/scopes.js';

const MAX_EMAIL_LENGTH = 320;

/**
 * `AuthService.login`: email + password (+ organization) → a new session (refresh family) and its tokens.
 *
 * A user with memberships acts in `organization` when given, else in its first membership's; the
 * token's `scope` is the effective role there (`resolveRole`), its `org` and `org_path` name it,
 * and the family remembers it. An organization the user does not reach (or that does not exist)
 * is refused exactly like a wrong password: the same `ERR_INVALID_CREDENTIALS`, after the same
 * scrypt work, counted as a failed attempt — no oracle for organizations or memberships.
 *
 * An unknown email, a user without a password, a corrupt stored hash and a wrong password all
 * answer `ERR_INVALID_CREDENTIALS` after the same scrypt work. Each attempt is counted per
 * source, per (email, source) and per email before any password work (`ERR_LOGIN_THROTTLED`,
 * see `beginLoginAttempt`); a success gives its attempt back, so only failures use the budget.
 *
 * Ordered against `endSessionsOfUser`: the new family is stored (and so indexed under the user)
 * BEFORE the user is read again for the token's role. A role change or deletion written while
 * the password was being checked is therefore either seen by that second read, or followed by
 * an `endSessionsOfUser` that finds the new family: no token with a stale role escapes. A
 * password change in that window (the stored hash differs from the one verified) ends the new
 * session and answers `ERR_INVALID_CREDENTIALS`.
 *
 * Publishes `login.succeeded`, or `login.failed` with its cause (throttled, unknown user, wrong
 * password, organization not reached, user changed meanwhile), on `scopeladder:credential`.
 */
export async function login(context: ServiceContext, input: LoginInput, request?: RequestContext): Promise<TokenResponse> {
  const { email, password, organization, scope: asked } = readCredentials(input);
  // The scope's grammar and names depend on the ladder only: checked before any user is read.
  const requested = readRequestedScope(context.ladder, asked);
  const nowMs = now(context);
  let attempt;
  try {
    attempt = await beginLoginAttempt(context, email, request?.source, nowMs);
  } catch (error) {
    if (isScopeladderError(error) && error.code === 'ERR_LOGIN_THROTTLED') loginFailed(null, 'throttled', request);
    throw error;
  }

  const user = await findUserByEmail(context, email);
  const matches = user === null ? await burnPasswordWork(context, password) : await passwordMatches(context, user, password);
  // The organization is checked only after the password, so it tells nothing to who lacks it.
  const selected = user === null || !matches ? null : await selectOrganization(context, user, organization);
  if (user === null || selected === null) {
    await attempt.failed();
    loginFailed(user?.id ?? null, user === null ? 'unknown_user' : matches ? 'organization' : 'password', request);
    fail('ERR_INVALID_CREDENTIALS', 'Invalid email or password');
  }
  await attempt.succeeded();
  // Wider than the role: told only to who knows the password.
  const scope = narrowTo(context.ladder, selected.role, requested, undefined);

  const familyId = newFamilyId(context);
  const family = selected.path === undefined ? undefined : selected.organization;
  const refresh = prepareRefreshToken(context, user.id, familyId, nowMs, family, scope);
  await callStore(context, () => context.store.saveRefreshToken(refresh.record));
  // The role there is read again from this second read (an organization's path never changes).
  const current = await findUserById(context, user.id);
  const latest =
    current === null || current.passwordHash !== user.passwordHash
      ? null
      : await selectOrganization(context, current, selected.path === undefined ? organization : selected.organization, selected.path);
  if (current === null || latest === null) {
    await callStore(context, () => context.store.revokeFamily(familyId, familyRevocationUntil(context, nowMs)));
    loginFailed(user.id, 'changed', request);
    fail('ERR_INVALID_CREDENTIALS', 'Invalid email or password');
  }
  const response = await buildTokenResponse(context, current, latest, familyId, refresh.value, nowMs, scope);
  if (credentialChannel.hasSubscribers) {
    publishCredential({
      version: 1,
      type: 'login.succeeded',
      userId: current.id,
      sessionId: familyId,
      organization: latest.organization ?? null,
      source: sourceField(request?.source),
    });
  }
  return response;
}

function loginFailed(userId: string | null, cause: LoginFailureCause, request: RequestContext | undefined): void {
  if (!credentialChannel.hasSubscribers) return;
  publishCredential({
    version: 1,
    type: 'login.failed',
    userId,
    cause,
    code: cause === 'throttled' ? 'ERR_LOGIN_THROTTLED' : 'ERR_INVALID_CREDENTIALS',
    source: sourceField(request?.source),
  });
}

function readCredentials(input: unknown): { email: string; password: string; organization: string | undefined; scope: unknown } {
  if (typeof input !== 'object' || input === null) fail('ERR_INVALID_REQUEST', 'email and password are required');
  const { email, password, organization, scope } = input as Record<string, unknown>;
  if (typeof email !== 'string' || email === '' || email.length > MAX_EMAIL_LENGTH) {
    fail('ERR_INVALID_REQUEST', 'email must be a non-empty string');
  }
  if (typeof password !== 'string' || password === '' || password.length > MAX_PASSWORD_LENGTH) {
    fail('ERR_INVALID_REQUEST', `password must be a non-empty string of at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  if (organization !== undefined && !isOrganizationId(organization)) {
    fail('ERR_INVALID_REQUEST', 'organization must be a non-empty string of at most 256 characters');
  }
  return { email, password, organization, scope };
}
