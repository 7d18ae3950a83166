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
  // The source first: a source over its limit is refused before it can create or bump any
  // per-email counter (a throttled client cycling emails would otherwise fill the store).
  if (keys.source !== undefined) {
    const source = keys.source;
    const bySource = await callStore(() => store.hit(source, throttle.windowMs, nowMs));
    if (bySource.count > throttle.maxAttemptsPerSource) throttled(bySource.resetAt, nowMs);
  }
  const byEmail = await callStore(() => store.hit(keys.email, throttle.windowMs, nowMs));
  if (byEmail.count > throttle.maxAttemptsPerEmail) throttled(byEmail.resetAt, nowMs);
}

function throttled(resetAt: number, nowMs: number): never {
  fail('ERR_LOGIN_THROTTLED', 'Too many failed login attempts; try again later', {
    retryAfter: Math.max(1, Math.ceil((resetAt - nowMs) / 1000)),
  });
}

/** Clears the email's counter after a successful login. */
export async function clearLoginAttempts(context: ServiceContext, keys: LoginThrottleKeys): Promise<void> {
  if (context.throttle === null) return;
  await callStore(() => context.store.clearHits(keys.email));
}
