import type { RequestContext } from '../service-types.js';
import type { UserRecord } from '../directory.js';
import { now, type ServiceContext } from '../lib/context.js';
import { fail } from '../lib/errors.js';
import { MAX_PASSWORD_LENGTH, burnPasswordWork, passwordMatches } from '../lib/password-check.js';
import { beginLoginAttempt, type LoginAttempt } from '../lib/throttle.js';
import { findUserById } from '../lib/users.js';

const MAX_ID_LENGTH = 256;

/**
 * `AuthService.confirmPassword`: resolves when `password` is the current password of `userId`,
 * for operations that must be re-authenticated (changing one's own password).
 *
 * A wrong, missing or over-long password, an unknown user and a user without a password all
 * reject `ERR_CURRENT_PASSWORD_INVALID` (403); the user's existence costs the same scrypt work
 * either way. Every call counts as a login attempt of the user's email and of `context.source`,
 * BEFORE any password work, exactly as `login` counts them (so guesses here and at the login
 * route share one budget): over the limit → `ERR_LOGIN_THROTTLED` with `retryAfter`. A correct
 * password gives its attempt back, as a successful login does.
 */
export async function confirmPassword(context: ServiceContext, userId: unknown, password: unknown, request?: RequestContext): Promise<void> {
  if (typeof userId !== 'string' || userId === '' || userId.length > MAX_ID_LENGTH) fail('ERR_INVALID_REQUEST', 'A user id is required');
  const user = await findUserById(context, userId);
  const throttle = await countAttempt(context, user, userId, request);
  const usable = typeof password === 'string' && password !== '' && password.length <= MAX_PASSWORD_LENGTH;
  let matches = false;
  if (usable) matches = user === null ? await burnPasswordWork(context, password) : await passwordMatches(context, user, password);
  if (!matches) {
    await throttle.failed();
    fail('ERR_CURRENT_PASSWORD_INVALID', 'The current password is missing or wrong');
  }
  await throttle.succeeded();
}

/**
 * The one place this operation touches login throttling: the counters `login` uses, keyed by
 * the user's email (an unknown user: by its id, so it is bounded too).
 */
async function countAttempt(
  context: ServiceContext,
  user: UserRecord | null,
  userId: string,
  request: RequestContext | undefined,
): Promise<LoginAttempt> {
  return beginLoginAttempt(context, user === null ? `user-id:${userId}` : user.email, request?.source, now(context));
}
