import { isScopeladderError, parseScope, type Ladder } from '@scopeladder/core';
import { fail } from './errors.js';

/**
 * The known scopes of an access token's `scope` claim. Anything but a well-formed RFC 6749 scope
 * string (a number, an object, an array, double spaces…) makes the token invalid; unknown scope
 * tokens are dropped and grant nothing.
 *
 * A service writes few distinct claims (one per role, with `scopeFormat: 'expanded'` too), and
 * the answer depends on nothing but the claim and the ladder: the first {@link SCOPE_CLAIMS}
 * well-formed claims seen are answered from memory (the answer is a frozen array).
 */
export function scopesOfClaim(ladder: Ladder, claim: unknown): readonly string[] {
  if (typeof claim !== 'string') fail('ERR_TOKEN_INVALID', 'Invalid access token');
  let known = scopesByClaim.get(ladder);
  const scopes = known?.get(claim);
  if (scopes !== undefined) return scopes;
  let parsed: readonly string[];
  try {
    parsed = parseScope(claim, { ladder }).scopes;
  } catch (error) {
    if (isScopeladderError(error)) fail('ERR_TOKEN_INVALID', 'Invalid access token');
    throw error;
  }
  if (known === undefined) scopesByClaim.set(ladder, (known = new Map()));
  if (known.size < SCOPE_CLAIMS) known.set(claim, parsed);
  return parsed;
}

const SCOPE_CLAIMS = 64;
const scopesByClaim = new WeakMap<Ladder, Map<string, readonly string[]>>();

/** The highest scope an API key may ever hold: the top of the ladder only when allowed. */
export function apiKeyCeiling(ladder: Ladder, allowAdminApiKeys: boolean): number {
  const top = ladder.scopes.length - 1;
  return allowAdminApiKeys ? top : top - 1;
}

/**
 * What an API key may do right now: each of its scopes capped by the bot's CURRENT role (and by
 * the admin ceiling). Scopes cascade, so capping `bot` under an `agent` role gives `agent`.
 * Unknown scopes, or a role the ladder does not know, grant nothing.
 */
export function effectiveApiKeyScopes(ladder: Ladder, keyScopes: readonly string[], role: string, allowAdminApiKeys: boolean): readonly string[] {
  const ceiling = Math.min(ladder.rank(role), apiKeyCeiling(ladder, allowAdminApiKeys));
  if (ceiling < 0) return Object.freeze([]);
  const granted = new Set<string>();
  for (const scope of keyScopes) {
    const rank = ladder.rank(scope);
    if (rank < 0) continue;
    granted.add(ladder.scopes[Math.min(rank, ceiling)] as string);
  }
  return Object.freeze([...granted]);
}

/**
 * Reads a `scope` asked for at login or refresh (RFC 6749 §3.3): `undefined` when none was asked,
 * else the highest scope it names. Malformed → `ERR_SCOPE_MALFORMED`; a token the ladder does not
 * know → `ERR_SCOPE_NOT_ALLOWED`. Depends on nothing but the ladder, so it may run before the
 * credentials are checked (it tells nothing about any user).
 */
export function readRequestedScope(ladder: Ladder, requested: unknown): string | undefined {
  if (requested === undefined) return undefined;
  const parsed = parseScope(requested, { ladder });
  if (parsed.unknown.length > 0 || parsed.highest === null) fail('ERR_SCOPE_NOT_ALLOWED', 'The scope asked for is not one of this service');
  return parsed.highest;
}

/**
 * The scope a session acts with: its role, lowered to `cap` (a narrowing asked for at login or
 * refresh, kept by the session) when the cap is lower. Scopes cascade, so the lower of the two
 * is both. A cap the ladder does not know is a data error: `ERR_INTERNAL`, no token.
 */
export function capRole(ladder: Ladder, role: string, cap: string | undefined): string {
  if (cap === undefined) return role;
  const capRank = ladder.rank(cap);
  if (capRank < 0) fail('ERR_INTERNAL', "The session's scope is not a scope of the policy");
  return ladder.rank(role) <= capRank ? role : (ladder.canonical(cap) ?? cap);
}

/**
 * Checks a narrowing asked for against what the session may hold now (`role` capped by its
 * earlier narrowing): a wider one → `ERR_SCOPE_NOT_ALLOWED`. Returns the session's new cap.
 */
export function narrowTo(ladder: Ladder, current: string, requested: string | undefined, cap: string | undefined): string | undefined {
  if (requested === undefined) return cap;
  if (ladder.rank(requested) > ladder.rank(current)) fail('ERR_SCOPE_NOT_ALLOWED', 'The scope asked for is wider than the session holds');
  return requested;
}
