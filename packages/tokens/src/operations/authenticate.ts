import { performance } from 'node:perf_hooks';
import type { Principal } from '@scopeladder/core';
import type { AuthContext, AuthenticatedToken } from '../service-types.js';
import type { AnyPolicy } from '../register.js';
import type { AuthenticateMessage } from '../diagnostics/messages.js';
import { isJwtShaped, verifyShapedAccessToken, type AccessTokenClaims } from '../lib/access-token.js';
import { bearerCredentialUnchecked, parseAuthorizationHeader } from '../lib/authorization-header.js';
import { now, type ServiceContext } from '../lib/context.js';
import { constantTimeEqual, sha256Hex } from '../lib/encoding.js';
import { authenticateChannel, noteStoreAnswered, noteStoreFailure, publishAuthenticated, publishAuthenticationFailure } from '../lib/diagnostics.js';
import { callStore, fail, guard, internalFailure, storeFailure } from '../lib/errors.js';
import { effectiveApiKeyScopes, scopesOfClaim } from '../lib/scopes.js';
import { isApiKeyShaped, isHexOnly } from '../lib/secrets.js';
import { isOrganizationId, selectOrganization } from '../lib/organizations.js';
import { findUserById } from '../lib/users.js';

interface VerifiedSession {
  readonly principal: Principal;
  readonly ability: AuthContext<AnyPolicy>['ability'];
  readonly token: Extract<AuthenticatedToken, { kind: 'jwt' }>;
}

/**
 * `AuthService.authenticate`: an `Authorization` header value → who acts and what they may do.
 * Rejects only with `ScopeladderError`s (anything else becomes `ERR_INTERNAL`), never throws.
 *
 * The credential's shape decides how it is checked: 32 lowercase hex characters are a bot API
 * key, three base64url segments a JWT access token. Other hex-only strings are malformed API keys
 * (`ERR_API_KEY_INVALID`); anything else is `ERR_TOKEN_INVALID`.
 *
 * The common case — a client sending again a token it sent before — is answered from the
 * verified-token cache without parsing the header: the cache holds only credentials that passed
 * every check (header syntax, shape, size, signature, claims), so finding `Bearer <credential>`
 * there proves all of them again. Then only the expiry and the revocation checks run.
 *
 * With a subscriber on `scopeladder:authenticate`, publishes one `AuthenticateMessage` per call
 * when it settles; without one, nothing is measured or built.
 */
export function authenticate(context: ServiceContext, authorization: unknown): Promise<AuthContext<AnyPolicy>> {
  if (!authenticateChannel.hasSubscribers) return authenticateQuietly(context, authorization);
  const started = performance.now();
  return authenticateQuietly(context, authorization).then(
    (result) => {
      publishAuthenticated(result, started);
      return result;
    },
    (error: unknown) => {
      publishAuthenticationFailure(credentialKindOf(context, authorization), error, started);
      throw error;
    },
  );
}

/** The credential kind a header carries, by shape (as `authenticateFully` tells them apart); `null` when none. */
function credentialKindOf(context: ServiceContext, authorization: unknown): AuthenticateMessage['credential'] {
  let credential: string;
  try {
    credential = parseAuthorizationHeader(authorization, context.tokens.maxTokenLength);
  } catch {
    return null;
  }
  if (isApiKeyShaped(credential) || isHexOnly(credential)) return 'apiKey';
  if (isJwtShaped(credential)) return 'jwt';
  return null;
}

function authenticateQuietly(context: ServiceContext, authorization: unknown): Promise<AuthContext<AnyPolicy>> {
  // Whether the cache was asked for exactly the credential the full checks will see, and had no
  // entry (then they need not ask again).
  let missed = false;
  try {
    const { cache } = context;
    if (cache !== null && typeof authorization === 'string') {
      const token = bearerCredentialUnchecked(authorization);
      const entry = token === undefined ? undefined : cache.get(token);
      if (entry !== undefined) {
        const nowMs = now(context);
        if (entry.expiresAtMs > nowMs) return checkNotRevoked(context, entry.value as VerifiedSession, nowMs);
        cache.delete(token as string);
        // Expired: the full checks give the precise answer (ERR_TOKEN_EXPIRED).
        return guard(() => authenticateFully(context, authorization, nowMs, true));
      }
      missed = token !== undefined;
    }
  } catch (error) {
    return Promise.reject(internalFailure(error));
  }
  return guard(() => authenticateFully(context, authorization, undefined, missed));
}

// Not `async`: what it throws, `guard` turns into the rejection, one promise fewer per call.
function authenticateFully(
  context: ServiceContext,
  authorization: unknown,
  knownNowMs: number | undefined,
  missed: boolean,
): Promise<AuthContext<AnyPolicy>> {
  // The credential is `bearerCredentialUnchecked(authorization)` whenever that is defined.
  const credential = parseAuthorizationHeader(authorization, context.tokens.maxTokenLength);
  if (isApiKeyShaped(credential)) return authenticateApiKey(context, credential);
  if (isJwtShaped(credential)) return authenticateAccessToken(context, credential, knownNowMs ?? now(context), missed);
  if (isHexOnly(credential)) fail('ERR_API_KEY_INVALID', 'Invalid API key');
  fail('ERR_TOKEN_INVALID', 'Invalid access token');
}

/** `token` is JWT-shaped and at most `maxTokenLength` long; `missed`: the cache has no entry for it. */
async function authenticateAccessToken(context: ServiceContext, token: string, nowMs: number, missed: boolean): Promise<AuthContext<AnyPolicy>> {
  const { cache } = context;
  if (cache !== null && !missed) {
    const entry = cache.get(token);
    if (entry !== undefined && entry.expiresAtMs > nowMs) return checkNotRevoked(context, entry.value as VerifiedSession, nowMs);
    if (entry !== undefined) cache.delete(token);
  }
  const session = sessionOf(context, await verifyShapedAccessToken(context.tokens, token, nowMs));
  const result = await checkNotRevoked(context, session, nowMs);
  // Cached no longer than the full check would accept it: `exp`, and `iat + ttl` (jose's
  // maxTokenAge), whichever comes first, plus the tolerance.
  const { expiresAt, issuedAt } = session.token;
  const { ttlSeconds, toleranceSeconds } = context.tokens;
  cache?.set(token, { expiresAtMs: (Math.min(expiresAt, issuedAt + ttlSeconds) + toleranceSeconds) * 1000, value: session });
  return result;
}

/**
 * Asks the store on every request, also for a session the verified-token cache answered: the
 * service itself never remembers a revocation answer. The store may: the in-memory store answers
 * from its own state (logout and refresh-reuse act on the next request), while a store with a
 * local view (Redis) answers from memory while it can vouch for it, so a revocation made on
 * another instance acts within that view's `maxLagMs` (its own at once). Both store questions are
 * asked at once; the result rejects only with `ScopeladderError`s (a store failure is
 * `ERR_STORE_UNAVAILABLE`, fail closed).
 */
function checkNotRevoked(context: ServiceContext, session: VerifiedSession, nowMs: number): Promise<AuthContext<AnyPolicy>> {
  const { store } = context;
  const { jti, familyId } = session.token;
  let tokenRevoked: Promise<boolean>;
  let familyRevoked: Promise<boolean>;
  try {
    tokenRevoked = store.isAccessTokenRevoked(jti, nowMs);
  } catch (error) {
    tokenRevoked = Promise.reject(error);
  }
  try {
    familyRevoked = store.isFamilyRevoked(familyId, nowMs);
  } catch (error) {
    familyRevoked = Promise.reject(error);
  }
  return Promise.all([tokenRevoked, familyRevoked]).then(
    (revoked) => {
      noteStoreAnswered(context);
      if (revoked[0] || revoked[1]) fail('ERR_TOKEN_REVOKED', 'The access token was revoked');
      return { principal: session.principal, ability: session.ability, token: session.token };
    },
    (error: unknown) => {
      const failure = storeFailure(error);
      noteStoreFailure(context, failure);
      throw failure;
    },
  );
}

function sessionOf(context: ServiceContext, claims: AccessTokenClaims): VerifiedSession {
  const scopes = scopesOfClaim(context.ladder, claims.scope);
  const principal: { -readonly [K in keyof Principal]: Principal[K] } = { id: claims.sub, scopes, kind: 'user' };
  if (claims.org !== undefined) principal.organization = claims.org;
  if (claims.org_path !== undefined) principal.organizationPath = claims.org_path;
  if (claims.email !== undefined) principal.email = claims.email;
  Object.freeze(principal);
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

/**
 * What a service remembers in a store's {@link ApiKeyCache}: its answer, tagged with the service
 * that derived it. One store may serve several services (other directory, policy or
 * `allowAdminApiKeys`) and the cache is keyed only by the key digest, so a service accepts only
 * what it remembered itself.
 */
interface RememberedApiKey {
  readonly owner: ServiceContext;
  readonly result: AuthContext<AnyPolicy>;
}

/** Whether `value` is what this service (`context`) remembered (anything else found there is ignored). */
function isRemembered(context: ServiceContext, value: unknown): value is RememberedApiKey {
  const candidate = value as Partial<RememberedApiKey> | null | undefined;
  if (typeof candidate !== 'object' || candidate === null || candidate.owner !== context) return false;
  const result = candidate.result as Partial<AuthContext<AnyPolicy>> | null | undefined;
  return typeof result === 'object' && result !== null && typeof result.principal === 'object' && result.token?.kind === 'apiKey';
}

async function authenticateApiKey(context: ServiceContext, apiKey: string): Promise<AuthContext<AnyPolicy>> {
  const digest = sha256Hex(apiKey);
  // A store with a local view (Redis) answers a key it has seen, with its bot's live role, from
  // memory until the key, or the bot's sessions, change anywhere (`ApiKeyCache`); only what this
  // service remembered itself (`isRemembered`).
  const cache = context.store.apiKeyCache;
  if (cache !== undefined) {
    const remembered = cache.get(digest);
    if (isRemembered(context, remembered)) {
      const { principal, ability, token } = remembered.result;
      return { principal, ability, token };
    }
  }
  const ticket = cache === undefined ? null : cache.ticket();
  const record = await callStore(context, () => context.store.findApiKey(digest));
  if (
    typeof record !== 'object' ||
    record === null ||
    typeof record.digest !== 'string' ||
    !constantTimeEqual(record.digest, digest) ||
    typeof record.userId !== 'string' ||
    !Array.isArray(record.scopes) ||
    (record.organization !== undefined && !isOrganizationId(record.organization))
  ) {
    fail('ERR_API_KEY_INVALID', 'Invalid API key');
  }
  // Live: the bot (and the organization the key is bound to) is read on every request the cache
  // does not answer, so deleting it, changing its role there or removing it from there acts at
  // once (with a cache: once its sessions are ended, as after every privilege change).
  const bot = await findUserById(context, record.userId);
  if (bot === null || bot.kind !== 'bot') fail('ERR_API_KEY_INVALID', 'Invalid API key');
  const selected = await selectOrganization(context, bot, record.organization);
  if (selected === null) fail('ERR_API_KEY_INVALID', 'Invalid API key');
  const scopes = effectiveApiKeyScopes(context.ladder, record.scopes, selected.role, context.allowAdminApiKeys);
  const principal: Principal = Object.freeze({
    id: bot.id,
    scopes,
    kind: 'bot' as const,
    ...(selected.organization === undefined ? {} : { organization: selected.organization }),
    ...(selected.path === undefined ? {} : { organizationPath: selected.path }),
    email: bot.email,
  });
  const result = {
    principal,
    ability: context.policy.abilityFor(principal),
    token: Object.freeze({ kind: 'apiKey' as const, keyId: record.id }),
  };
  cache?.set(ticket, digest, bot.id, Object.freeze({ owner: context, result: Object.freeze({ ...result }) }));
  return result;
}
