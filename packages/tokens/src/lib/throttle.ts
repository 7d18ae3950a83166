import type { ServiceContext } from './context.js';
import { sha256Hex } from './encoding.js';
import { credentialChannel, publishCredential, sourceField } from './diagnostics.js';
import { callStore, fail } from './errors.js';
import { DEFAULT_IPV6_PREFIX_LENGTH, keySourceAddress } from './source-address.js';

/**
 * The counter keys of one login attempt. Digests only: no email or address is stored in clear.
 * `source` is `undefined` when the attempt has no source (no per-source counter then); the
 * (email, source) pair of a source-less attempt is the email with an "unknown source" marker.
 * `known` is the marker of a pair that logged in successfully (`undefined` without a source:
 * a source-less attempt is never known). The source is keyed by {@link keySourceAddress}.
 */
export interface LoginThrottleKeys {
  readonly source: string | undefined;
  readonly emailAndSource: string;
  readonly email: string;
  readonly known: string | undefined;
}

/** The counter keys for an email and an optional source (`''` and non-strings count as none). */
export function loginThrottleKeys(email: string, source: unknown, ipv6PrefixLength: number = DEFAULT_IPV6_PREFIX_LENGTH): LoginThrottleKeys {
  const emailDigest = sha256Hex(email.normalize('NFC').toLowerCase());
  const sourceKey = keySourceAddress(source, ipv6PrefixLength);
  const sourceDigest = sourceKey === undefined ? undefined : sha256Hex(sourceKey);
  const pairDigest = sha256Hex(`${emailDigest}:${sourceDigest ?? '-'}`);
  return {
    source: sourceDigest === undefined ? undefined : `login:source:${sourceDigest}`,
    emailAndSource: `login:email-source:${pairDigest}`,
    email: `login:email:${emailDigest}`,
    known: sourceDigest === undefined ? undefined : `login:known:${pairDigest}`,
  };
}

/**
 * An attempt counted by {@link beginLoginAttempt}: tell it how the password check ended.
 * Each method acts once; later calls do nothing.
 */
export interface LoginAttempt {
  /**
   * The password was right: gives the attempt's hits on the source and email counters back
   * (a success consumes no budget), clears its (email, source) counter and marks the pair as
   * known for `knownSourceTtl` from now.
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
 *
 * A **known** (email, source) pair, one that logged in successfully within `knownSourceTtl`
 * (a store counter `login:known:<digest>`, read with `peek`; only a right password makes it),
 * is counted on its own (email, source) counter only: a flood from other sources, or from the
 * same address on other accounts, never locks an owner out of an address they used before.
 *
 * Any other attempt is counted on three fixed-window counters, in this order (the first over its
 * limit refuses):
 * 1. per source (`maxFailuresPerSource`; skipped without a source): one client spraying many
 *    accounts. Counted first, so a refused source creates no per-email counters.
 * 2. per (email, source) (`maxFailuresPerEmailAndSource`): one client guessing one account.
 * 3. per email from every source (`maxFailuresPerEmail`): the backstop against distributed
 *    guessing, set much higher than 2. It refuses new sources only: known ones skip it.
 * The source is keyed by {@link keySourceAddress} (IPv6 by its /64). A refusal →
 * `ERR_LOGIN_THROTTLED` with `retryAfter` (seconds until the refusing counter's window ends), no
 * password work, and the hits already taken on the earlier counters given back (a refused
 * attempt is not a failure). Otherwise resolves a {@link LoginAttempt}: a failure leaves its
 * hits counted, `succeeded()` gives them back and marks the pair known.
 *
 * Any password check that should count as a login failure uses it the same way. The attempt
 * that first takes a counter over its limit in a window publishes `throttle.engaged` on
 * `scopeladder:credential`.
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
  const keys = loginThrottleKeys(email, source, throttle.ipv6PrefixLength);
  const known = keys.known;
  const isKnown = known !== undefined && (await callStore(context, () => store.peek(known, nowMs))) !== null;
  const counters: ReadonlyArray<readonly [string | undefined, number, ThrottleCounter]> = isKnown
    ? [[keys.emailAndSource, throttle.maxFailuresPerEmailAndSource, 'email_and_source']]
    : [
        [keys.source, throttle.maxFailuresPerSource, 'source'],
        [keys.emailAndSource, throttle.maxFailuresPerEmailAndSource, 'email_and_source'],
        [keys.email, throttle.maxFailuresPerEmail, 'email'],
      ];
  const held: HeldHit[] = [];
  for (const [key, limit, counter] of counters) {
    if (key === undefined) continue;
    const state = await callStore(context, () => store.hit(key, throttle.windowMs, nowMs));
    if (state.count > limit) {
      // The refusing counter keeps its hits: exactly one attempt per window sees limit + 1.
      if (state.count === limit + 1 && credentialChannel.hasSubscribers) {
        publishCredential({
          version: 1,
          type: 'throttle.engaged',
          counter,
          limit,
          retryAfter: retryAfterOf(state.resetAt, nowMs),
          source: sourceField(source),
        });
      }
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
        releaseHits(
          context,
          held.filter((hit) => hit.key !== keys.emailAndSource),
        ),
        callStore(context, () => store.clearHits(keys.emailAndSource)),
        known === undefined ? undefined : markKnown(context, known, throttle.knownSourceTtlMs, nowMs),
      ]);
    },
    async failed() {
      settled = true;
    },
  };
}

/**
 * Marks a pair known for `ttlMs` from `nowMs`: clears its marker, then starts a new one (a
 * window starts at its first hit), so the lifetime counts from the latest success. An attempt
 * that reads the marker in between sees an unknown pair: fully counted, the safe direction.
 */
async function markKnown(context: ServiceContext, key: string, ttlMs: number, nowMs: number): Promise<void> {
  await callStore(context, () => context.store.clearHits(key));
  await callStore(context, () => context.store.hit(key, ttlMs, nowMs));
}

async function releaseHits(context: ServiceContext, hits: readonly HeldHit[]): Promise<void> {
  await Promise.all(hits.map((hit) => callStore(context, () => context.store.releaseHit(hit.key, hit.resetAt))));
}

type ThrottleCounter = 'source' | 'email_and_source' | 'email';

function retryAfterOf(resetAt: number, nowMs: number): number {
  return Math.max(1, Math.ceil((resetAt - nowMs) / 1000));
}

function throttled(resetAt: number, nowMs: number): never {
  fail('ERR_LOGIN_THROTTLED', 'Too many failed login attempts; try again later', { retryAfter: retryAfterOf(resetAt, nowMs) });
}
