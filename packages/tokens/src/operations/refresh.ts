import type { RefreshOptions, TokenResponse } from '../service-types.js';
import { familyRevocationUntil, now, type ServiceContext } from '../lib/context.js';
import { constantTimeEqual, sha256Hex } from '../lib/encoding.js';
import { credentialChannel, publishCredential } from '../lib/diagnostics.js';
import { callStore, fail } from '../lib/errors.js';
import { buildTokenResponse, prepareRefreshToken } from '../lib/issue-tokens.js';
import { parseRefreshTokenValue } from '../lib/secrets.js';
import { isOrganizationId, selectOrganization } from '../lib/organizations.js';
import { findUserById } from '../lib/users.js';
import { capRole, narrowTo, readRequestedScope } from '../lib/scopes.js';

/**
 * `AuthService.refresh`: rotates a refresh token. The presented token is spent and a new one of
 * the same family is returned with a new access token for the user's CURRENT role.
 *
 * - malformed, unknown, expired or revoked → `ERR_REFRESH_INVALID`;
 * - already spent (replayed) → the whole family and every access token issued from it are
 *   revoked → `ERR_REFRESH_REUSED` (RFC 9700 §4.14.2). Of concurrent refreshes of one token the
 *   store lets exactly one rotate; the others count as reuse, so the family ends there too;
 * - the user was deleted → the family is revoked → `ERR_REFRESH_INVALID`;
 * - the family acts in an organization (users with memberships): it stays there, with the role
 *   the user has there NOW (`resolveRole` over the current memberships). A user who no longer
 *   reaches it (membership removed, organization deleted) → the family is revoked →
 *   `ERR_REFRESH_INVALID`.
 * - `options.scope` narrows the session (RFC 6749 §6) from now on; the cap is kept in the record
 *   and carried by every rotation. One above what the session holds → `ERR_SCOPE_NOT_ALLOWED`,
 *   decided after the rotation: the presented token is spent and no new one is handed out.
 *
 * Publishes `refresh.succeeded`, or `refresh.reused` when a spent token came back (its family
 * revoked), on `scopeladder:credential`.
 */
export async function refresh(context: ServiceContext, refreshToken: unknown, options?: RefreshOptions): Promise<TokenResponse> {
  const requested = readRequestedScope(context.ladder, options?.scope);
  const parsed = parseRefreshTokenValue(refreshToken);
  if (parsed === null) invalid();
  const value = refreshToken as string;
  const nowMs = now(context);
  const digest = sha256Hex(value);
  const { store } = context;

  const current = await callStore(context, () => store.findRefreshToken(digest));
  if (
    typeof current !== 'object' ||
    current === null ||
    typeof current.digest !== 'string' ||
    !constantTimeEqual(current.digest, digest) ||
    current.userId !== parsed.userId ||
    typeof current.familyId !== 'string' ||
    (current.organization !== undefined && !isOrganizationId(current.organization)) ||
    (current.scope !== undefined && !context.ladder.has(current.scope))
  ) {
    invalid();
  }
  // The next token keeps the session's narrowing, or the new one asked for: it is handed out
  // only if that narrowing holds (checked below, once the rotation decided the token is current).
  const scope = requested ?? current.scope;
  const next = prepareRefreshToken(context, current.userId, current.familyId, nowMs, current.organization, scope);
  const result = await callStore(context, () => store.rotateRefreshToken(digest, next.record, nowMs));
  switch (result?.status) {
    case 'rotated':
      break;
    case 'reused':
      if (credentialChannel.hasSubscribers) {
        publishCredential({ version: 1, type: 'refresh.reused', userId: current.userId, sessionId: current.familyId, familyRevoked: true });
      }
      // The store revoked the family; make sure it stays revoked past every access token too.
      await callStore(context, () => store.revokeFamily(current.familyId, familyRevocationUntil(context, nowMs)));
      return fail('ERR_REFRESH_REUSED', 'Refresh token reuse detected; the session was revoked');
    default:
      invalid();
  }

  const user = await findUserById(context, current.userId);
  const selected = user === null ? null : await selectOrganization(context, user, current.organization);
  if (user === null || selected === null) {
    await callStore(context, () => store.revokeFamily(current.familyId, familyRevocationUntil(context, nowMs)));
    invalid();
  }
  // After the rotation, so a spent or foreign token learns nothing and reuse is still detected.
  // A refused narrowing hands out no token: the presented one is spent, the client logs in again.
  narrowTo(context.ladder, capRole(context.ladder, selected.role, current.scope), requested, current.scope);
  const response = await buildTokenResponse(context, user, selected, current.familyId, next.value, nowMs, scope);
  if (credentialChannel.hasSubscribers) {
    publishCredential({
      version: 1,
      type: 'refresh.succeeded',
      userId: user.id,
      sessionId: current.familyId,
      organization: selected.organization ?? null,
    });
  }
  return response;
}

function invalid(): never {
  fail('ERR_REFRESH_INVALID', 'Invalid refresh token');
}
