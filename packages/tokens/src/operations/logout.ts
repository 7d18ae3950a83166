import { verifyAccessToken } from '../lib/access-token.js';
import { familyRevocationUntil, now, type ServiceContext } from '../lib/context.js';
import { credentialChannel, publishCredential } from '../lib/diagnostics.js';
import { callStore, fail } from '../lib/errors.js';

const BEARER_PREFIX = /^bearer /i;

/**
 * `AuthService.logout`: revokes the session behind an access token — the token itself (by `jti`)
 * and its refresh family, which also revokes every other access token issued from it.
 *
 * Takes the raw access token (a `Bearer <token>` header value is accepted too). The token must be
 * authentic (signature, `typ`, `iss`, `aud`); an expired one is accepted, so a client can still
 * end a session whose refresh token lives on. Idempotent. Anything else → `ERR_TOKEN_INVALID`.
 * Publishes `logout` on `scopeladder:credential` (each call, repeated ones too).
 */
export async function logout(context: ServiceContext, accessToken: unknown): Promise<void> {
  if (typeof accessToken !== 'string') fail('ERR_TOKEN_INVALID', 'Invalid access token');
  const token = accessToken.replace(BEARER_PREFIX, '');
  const nowMs = now(context);
  const claims = await verifyAccessToken(context.tokens, token, nowMs, { allowExpired: true });
  const { store } = context;
  await Promise.all([
    callStore(context, () => store.revokeAccessToken(claims.jti, (claims.exp + context.tokens.toleranceSeconds) * 1000)),
    callStore(context, () => store.revokeFamily(claims.sid, familyRevocationUntil(context, nowMs))),
  ]);
  context.cache?.delete(token);
  if (credentialChannel.hasSubscribers) publishCredential({ version: 1, type: 'logout', userId: claims.sub, sessionId: claims.sid });
}
