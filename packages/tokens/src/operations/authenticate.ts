import type { MongoAbility, Principal } from '@scopeladder/core';
import type { AuthContext, AuthenticatedToken } from '../service-types.js';
import { isJwtShaped, verifyAccessToken } from '../lib/access-token.js';
import { parseAuthorizationHeader } from '../lib/authorization-header.js';
import { now, type ServiceContext } from '../lib/context.js';
import { constantTimeEqual, sha256Hex } from '../lib/encoding.js';
import { callStore, fail } from '../lib/errors.js';
import { effectiveApiKeyScopes, scopesOfClaim } from '../lib/scopes.js';
import { isApiKeyShaped, isHexOnly } from '../lib/secrets.js';
import { findUserById } from '../lib/users.js';

interface VerifiedSession {
  readonly principal: Principal;
  readonly ability: MongoAbility;
  readonly token: Extract<AuthenticatedToken, { kind: 'jwt' }>;
}

/**
 * `AuthService.authenticate`: an `Authorization` header value → who acts and what they may do.
 *
 * The credential's shape decides how it is checked: 32 lowercase hex characters are a bot API
 * key, three base64url segments a JWT access token. Other hex-only strings are malformed API keys
 * (`ERR_API_KEY_INVALID`); anything else is `ERR_TOKEN_INVALID`.
 */
export async function authenticate(context: ServiceContext, authorization: unknown): Promise<AuthContext> {
  const credential = parseAuthorizationHeader(authorization, context.tokens.maxTokenLength);
  if (isApiKeyShaped(credential)) return authenticateApiKey(context, credential);
  if (isJwtShaped(credential)) return authenticateAccessToken(context, credential);
  if (isHexOnly(credential)) fail('ERR_API_KEY_INVALID', 'Invalid API key');
  fail('ERR_TOKEN_INVALID', 'Invalid access token');
}

async function authenticateAccessToken(context: ServiceContext, token: string): Promise<AuthContext> {
  const nowMs = now(context);
  const cached = context.cache?.get(token, nowMs)?.value as VerifiedSession | undefined;
  const session = cached ?? (await verifySession(context, token, nowMs));
  // Revocation is never cached: logout and refresh-reuse take effect on the next request.
  const { jti, familyId } = session.token;
  const [tokenRevoked, familyRevoked] = await Promise.all([
    callStore(() => context.store.isAccessTokenRevoked(jti, nowMs)),
    callStore(() => context.store.isFamilyRevoked(familyId, nowMs)),
  ]);
  if (tokenRevoked || familyRevoked) fail('ERR_TOKEN_REVOKED', 'The access token was revoked');
  if (cached === undefined) {
    context.cache?.set(token, {
      expiresAtMs: (session.token.expiresAt + context.tokens.toleranceSeconds) * 1000,
      value: session,
    });
  }
  return { principal: session.principal, ability: session.ability, token: session.token };
}

async function verifySession(context: ServiceContext, token: string, nowMs: number): Promise<VerifiedSession> {
  const claims = await verifyAccessToken(context.tokens, token, nowMs);
  const scopes = scopesOfClaim(context.ladder, claims.scope);
  const principal: Principal = Object.freeze({
    id: claims.sub,
    scopes,
    kind: 'user' as const,
    ...(claims.org === undefined ? {} : { organization: claims.org }),
    ...(claims.email === undefined ? {} : { email: claims.email }),
  });
  return Object.freeze({
    principal,
    ability: context.policy.abilityFor(principal),
    token: Object.freeze({
      kind: 'jwt' as const,
      jti: claims.jti,
      issuedAt: claims.iat,
      expiresAt: claims.exp,
      familyId: claims.sid,
    }),
  });
}

async function authenticateApiKey(context: ServiceContext, apiKey: string): Promise<AuthContext> {
  const digest = sha256Hex(apiKey);
  const record = await callStore(() => context.store.findApiKey(digest));
  if (
    typeof record !== 'object' ||
    record === null ||
    typeof record.digest !== 'string' ||
    !constantTimeEqual(record.digest, digest) ||
    typeof record.userId !== 'string' ||
    !Array.isArray(record.scopes)
  ) {
    fail('ERR_API_KEY_INVALID', 'Invalid API key');
  }
  // Live: the bot is read on every request, so deleting it or changing its role acts at once.
  const bot = await findUserById(context, record.userId);
  if (bot === null || bot.kind !== 'bot') fail('ERR_API_KEY_INVALID', 'Invalid API key');
  const scopes = effectiveApiKeyScopes(context.ladder, record.scopes, bot.role, context.allowAdminApiKeys);
  const principal: Principal = Object.freeze({
    id: bot.id,
    scopes,
    kind: 'bot' as const,
    ...(bot.organization === undefined ? {} : { organization: bot.organization }),
    email: bot.email,
  });
  return {
    principal,
    ability: context.policy.abilityFor(principal),
    token: Object.freeze({ kind: 'apiKey' as const, keyId: record.id }),
  };
}
