import type { ServiceContext } from './context.js';
import { sha256Hex } from './encoding.js';
import { callStore, fail } from './errors.js';

/** The counter keys of one login attempt (digests: no email or address in the store in clear). */
export interface LoginThrottleKeys {
  readonly email: string;
  readonly source: string | undefined;
}

/** The counter keys for an email and an optional source. */
export function loginThrottleKeys(email: string, source: unknown): LoginThrottleKeys {
  return {
    email: `login:email:${sha256Hex(email.normalize('NFC').toLowerCase())}`,
    source: typeof source === 'string' && source !== '' ? `login:source:${sha256Hex(source)}` : undefined,
  };
}

/**
 * Counts a login attempt BEFORE the password is checked, per email and per source, so that many
 * concurrent guesses cannot all pass a check made before any of them was counted. Over the limit
 * → `ERR_LOGIN_THROTTLED` with `retryAfter` (seconds until the window resets), and no password
 * work at all. A successful login clears the email's counter (not the source's).
 */
export async function countLoginAttempt(context: ServiceContext, keys: LoginThrottleKeys, nowMs: number): Promise<void> {
  const { throttle, store } = context;
  if (throttle === null) return;
  const [byEmail, bySource] = await Promise.all([
    callStore(() => store.hit(keys.email, throttle.windowMs, nowMs)),
    keys.source === undefined ? undefined : callStore(() => store.hit(keys.source as string, throttle.windowMs, nowMs)),
  ]);
  let resetAt = -1;
  if (byEmail.count > throttle.maxAttemptsPerEmail) resetAt = byEmail.resetAt;
  if (bySource !== undefined && bySource.count > throttle.maxAttemptsPerSource) resetAt = Math.max(resetAt, bySource.resetAt);
  if (resetAt >= 0) {
    fail('ERR_LOGIN_THROTTLED', 'Too many failed login attempts; try again later', {
      retryAfter: Math.max(1, Math.ceil((resetAt - nowMs) / 1000)),
    });
  }
}

/** Clears the email's counter after a successful login. */
export async function clearLoginAttempts(context: ServiceContext, keys: LoginThrottleKeys): Promise<void> {
  if (context.throttle === null) return;
  await callStore(() => context.store.clearHits(keys.email));
}
