import type { ServiceContext } from './context.js';
import { sha256Hex } from './encoding.js';
import { callStore, fail } from './errors.js';

/**
 * The counter keys of one login attempt. Digests only: no email or address is stored in clear.
 * `source` is `undefined` when the attempt has no source (no per-source counter then); the
 * (email, source) pair of a source-less attempt is the email with an "unknown source" marker.
 */
export interface LoginThrottleKeys {
  readonly source: string | undefined;
  readonly emailAndSource: string;
  readonly email: string;
}

/** The counter keys for an email and an optional source (`''` and non-strings count as none). */
export function loginThrottleKeys(email: string, source: unknown): LoginThrottleKeys {
  const emailDigest = sha256Hex(email.normalize('NFC').toLowerCase());
  const sourceDigest = typeof source === 'string' && source !== '' ? sha256Hex(source) : undefined;
  return {
    source: sourceDigest === undefined ? undefined : `login:source:${sourceDigest}`,
    emailAndSource: `login:email-source:${sha256Hex(`${emailDigest}:${sourceDigest ?? '-'}`)}`,
    email: `login:email:${emailDigest}`,
  };
}

/**
 * An attempt counted by {@link beginLoginAttempt}: tell it how the password check ended.
 * Each method acts once; later calls do nothing.
 */
export interface LoginAttempt {
  /**
   * The password was right: gives the attempt's hits on the source and email counters back
   * (a success consumes no budget) and clears its (email, source) counter.
   */
  succeeded(): Promise<void>;
  /** The password was wrong: the attempt stays counted everywhere (nothing to do; for clarity). */
  failed(): Promise<void>;
}

interface HeldHit {
  readonly key: string;
  readonly resetAt: number;
}

const UNCOUNTED: LoginAttempt = Object.freeze({ succeeded: async () => {}, failed: async () => {} });

/**
 * Counts one password attempt for `email` from `source` BEFORE the password is checked, so
 * that a burst of concurrent guesses cannot all pass a check made before any was counted.
 * Three fixed-window counters, in this order (the first over its limit refuses):
 * 1. per source (`maxFailuresPerSource`; skipped without a source): one client spraying many
 *    accounts. Counted first, so a refused source creates no per-email counters.
 * 2. per (email, source) (`maxFailuresPerEmailAndSource`): one client guessing one account.
 * 3. per email from every source (`maxFailuresPerEmail`): the backstop against distributed
 *    guessing, set much higher so one source's flood cannot lock the owner out elsewhere.
 * A refusal → `ERR_LOGIN_THROTTLED` with `retryAfter` (seconds until the refusing counter's
 * window ends), no password work, and the hits already taken on the earlier counters given
 * back (a refused attempt is not a failure). Otherwise resolves a {@link LoginAttempt}: a
 * failure leaves its hits counted, `succeeded()` gives them back.
 *
 * Any password check that should count as a login failure uses it the same way.
 *
 * @example
 * ```ts
 * const attempt = await beginLoginAttempt(context, user.email, request?.source, now(context));
 * if (!(await passwordMatches(context, user, password))) {
 *   await attempt.failed(); // stays counted
 *   fail('ERR_CURRENT_PASSWORD_INVALID', 'The current password is wrong');
 * }
 * await attempt.succeeded();
 * ```
 */
export async function beginLoginAttempt(context: ServiceContext, email: string, source: unknown, nowMs: number): Promise<LoginAttempt> {
  const { throttle, store } = context;
  if (throttle === null) return UNCOUNTED;
  const keys = loginThrottleKeys(email, source);
  const counters: ReadonlyArray<readonly [string | undefined, number]> = [
    [keys.source, throttle.maxFailuresPerSource],
    [keys.emailAndSource, throttle.maxFailuresPerEmailAndSource],
    [keys.email, throttle.maxFailuresPerEmail],
  ];
  const held: HeldHit[] = [];
  for (const [key, limit] of counters) {
    if (key === undefined) continue;
    const state = await callStore(() => store.hit(key, throttle.windowMs, nowMs));
    if (state.count > limit) {
      await releaseHits(context, held);
      throttled(state.resetAt, nowMs);
    }
    held.push({ key, resetAt: state.resetAt });
  }

  let settled = false;
  return {
    async succeeded() {
      if (settled) return;
      settled = true;
      await Promise.all([
        releaseHits(context, held.filter((hit) => hit.key !== keys.emailAndSource)),
        callStore(() => store.clearHits(keys.emailAndSource)),
      ]);
    },
    async failed() {
      settled = true;
    },
  };
}

async function releaseHits(context: ServiceContext, hits: readonly HeldHit[]): Promise<void> {
  await Promise.all(hits.map((hit) => callStore(() => context.store.releaseHit(hit.key, hit.resetAt))));
}

function throttled(resetAt: number, nowMs: number): never {
  fail('ERR_LOGIN_THROTTLED', 'Too many failed login attempts; try again later', {
    retryAfter: Math.max(1, Math.ceil((resetAt - nowMs) / 1000)),
  });
}
