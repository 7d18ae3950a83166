import type { LoginInput, RequestContext, TokenResponse } from '../service-types.js';
import { familyRevocationUntil, now, type ServiceContext } from '../lib/context.js';
import { callStore, fail } from '../lib/errors.js';
import { buildTokenResponse, newFamilyId, prepareRefreshToken } from '../lib/issue-tokens.js';
import { MAX_PASSWORD_LENGTH, burnPasswordWork, passwordMatches } from '../lib/password-check.js';
import { beginLoginAttempt } from '../lib/throttle.js';
import { findUserByEmail, findUserById } from '../lib/users.js';

const MAX_EMAIL_LENGTH = 320;

/**
 * `AuthService.login`: email + password → a new session (refresh family) and its tokens.
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
 */
export async function login(context: ServiceContext, input: LoginInput, request?: RequestContext): Promise<TokenResponse> {
  const { email, password } = readCredentials(input);
  const nowMs = now(context);
  const attempt = await beginLoginAttempt(context, email, request?.source, nowMs);

  const user = await findUserByEmail(context, email);
  const matches = user === null ? await burnPasswordWork(context, password) : await passwordMatches(context, user, password);
  if (user === null || !matches) {
    await attempt.failed();
    fail('ERR_INVALID_CREDENTIALS', 'Invalid email or password');
  }
  await attempt.succeeded();

  const familyId = newFamilyId(context);
  const refresh = prepareRefreshToken(context, user.id, familyId, nowMs);
  await callStore(() => context.store.saveRefreshToken(refresh.record));
  const current = await findUserById(context, user.id);
  if (current === null || current.passwordHash !== user.passwordHash) {
    await callStore(() => context.store.revokeFamily(familyId, familyRevocationUntil(context, nowMs)));
    fail('ERR_INVALID_CREDENTIALS', 'Invalid email or password');
  }
  return buildTokenResponse(context, current, familyId, refresh.value, nowMs);
}

function readCredentials(input: unknown): { email: string; password: string } {
  if (typeof input !== 'object' || input === null) fail('ERR_INVALID_REQUEST', 'email and password are required');
  const { email, password } = input as Record<string, unknown>;
  if (typeof email !== 'string' || email === '' || email.length > MAX_EMAIL_LENGTH) {
    fail('ERR_INVALID_REQUEST', 'email must be a non-empty string');
  }
  if (typeof password !== 'string' || password === '' || password.length > MAX_PASSWORD_LENGTH) {
    fail('ERR_INVALID_REQUEST', `password must be a non-empty string of at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  return { email, password };
}
