import { isScopeladderError, parseScope, type Ladder } from '@scopeladder/core';
import { fail } from './errors.js';

/**
 * The known scopes of an access token's `scope` claim. Anything but a well-formed RFC 6749 scope
 * string (a number, an object, an array, double spaces…) makes the token invalid; unknown scope
 * tokens are dropped and grant nothing.
 */
export function scopesOfClaim(ladder: Ladder, claim: unknown): readonly string[] {
  if (typeof claim !== 'string') fail('ERR_TOKEN_INVALID', 'Invalid access token');
  try {
    return parseScope(claim, { ladder }).scopes;
  } catch (error) {
    if (isScopeladderError(error)) fail('ERR_TOKEN_INVALID', 'Invalid access token');
    throw error;
  }
}

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
