import type { LoginInput, RequestContext, TokenResponse } from '../service-types.js';
import type { UserRecord } from '../directory.js';
import { now, type ServiceContext } from '../lib/context.js';
import { callDirectory, callStore, fail } from '../lib/errors.js';
import { buildTokenResponse, newFamilyId, prepareRefreshToken } from '../lib/issue-tokens.js';
import { parseScryptHash, verifyScrypt, type ParsedScryptHash } from '../lib/scrypt.js';
import { beginLoginAttempt } from '../lib/throttle.js';
import { findUserByEmail } from '../lib/users.js';

const MAX_EMAIL_LENGTH = 320;
const MAX_PASSWORD_LENGTH = 1024;

/**
 * `AuthService.login`: email + password → a new session (refresh family) and its tokens.
 *
 * An unknown email, a user without a password, a corrupt stored hash and a wrong password all
 * answer `ERR_INVALID_CREDENTIALS` after the same scrypt work. Each attempt is counted per
 * source, per (email, source) and per email before any password work (`ERR_LOGIN_THROTTLED`,
 * see `beginLoginAttempt`); a success gives its attempt back, so only failures use the budget.
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
  const response = await buildTokenResponse(context, user, familyId, refresh.value, nowMs);
  await callStore(() => context.store.saveRefreshToken(refresh.record));
  return response;
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

async function passwordMatches(context: ServiceContext, user: UserRecord, password: string): Promise<boolean> {
  const { directory } = context;
  if (typeof directory.verifyPassword === 'function') {
    const verify = directory.verifyPassword.bind(directory);
    return (await callDirectory(() => verify(user, password))) === true;
  }
  const parsed = typeof user.passwordHash === 'string' ? parseScryptHash(user.passwordHash) : null;
  if (parsed === null) return burnPasswordWork(context, password);
  return verifyScrypt(parsed, password);
}

/**
 * The same scrypt work as a real verification (the configured cost), for unknown emails, users
 * without a password and unusable hashes. Always resolves `false`.
 */
async function burnPasswordWork(context: ServiceContext, password: string): Promise<false> {
  const dummy: ParsedScryptHash = {
    ...context.passwordWork,
    salt: Buffer.from(context.random(16)),
    hash: Buffer.from(context.random(32)),
  };
  await verifyScrypt(dummy, password);
  return false;
}
