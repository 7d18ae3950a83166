import { isScopeladderError } from '@scopeladder/core';
import { isJwtShaped } from '../lib/access-token.js';
import { familyRevocationUntil, now, type ServiceContext } from '../lib/context.js';
import { constantTimeEqual, sha256Hex } from '../lib/encoding.js';
import { callStore } from '../lib/errors.js';
import { parseRefreshTokenValue } from '../lib/secrets.js';
import { logout } from './logout.js';

/**
 * `AuthService.revoke` (RFC 7009): a refresh token revokes its family (every refresh token and
 * every access token of that session); an authentic access token, expired or not, revokes itself
 * and its family (as `logout`). Anything else — unknown, malformed, forged, an API key — is left
 * alone and resolves all the same: the caller learns nothing about the token. Only a store
 * failure rejects (`ERR_STORE_UNAVAILABLE`), so a client can retry.
 */
export async function revoke(context: ServiceContext, token: unknown): Promise<void> {
  if (typeof token !== 'string' || token.length > context.tokens.maxTokenLength) return;
  if (isJwtShaped(token)) {
    try {
      await logout(context, token);
    } catch (error) {
      if (isScopeladderError(error) && error.code === 'ERR_TOKEN_INVALID') return;
      throw error;
    }
    return;
  }
  const parsed = parseRefreshTokenValue(token);
  if (parsed === null) return;
  const digest = sha256Hex(token);
  const record = await callStore(context, () => context.store.findRefreshToken(digest));
  if (
    typeof record !== 'object' ||
    record === null ||
    typeof record.digest !== 'string' ||
    !constantTimeEqual(record.digest, digest) ||
    record.userId !== parsed.userId ||
    typeof record.familyId !== 'string'
  ) {
    return;
  }
  await callStore(context, () => context.store.revokeFamily(record.familyId, familyRevocationUntil(context, now(context))));
}
