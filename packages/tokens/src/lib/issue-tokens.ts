import type { TokenResponse } from '../service-types.js';
import type { RefreshTokenRecord } from '../store.js';
import type { UserRecord } from '../directory.js';
import type { SelectedOrganization } from './organizations.js';
import { formatScope } from '@scopeladder/core';
import { checkExtraClaims, signAccessToken } from './access-token.js';
import { familyRevocationUntil, type ServiceContext } from './context.js';
import { sha256Hex } from './encoding.js';
import { fail } from './errors.js';
import { capRole } from './scopes.js';
import { createRefreshTokenValue, isEmbeddableUserId, randomHex } from './secrets.js';

/** A refresh token about to be handed out: its value (for the client) and record (for the store). */
export interface PreparedRefreshToken {
  readonly value: string;
  readonly record: RefreshTokenRecord;
}

/**
 * A new refresh token for `userId` in `familyId`, expiring `refreshTokenTtl` after `nowMs`. Its
 * record's `familyExpiresAt` also covers the access token issued with it, so the user's session
 * index (and `endSessionsOfUser`) keeps the family as long as either can be used. `organization`:
 * the organization the family acts in (users with memberships), kept in the record.
 */
export function prepareRefreshToken(
  context: ServiceContext,
  userId: string,
  familyId: string,
  nowMs: number,
  organization?: string,
  scope?: string,
): PreparedRefreshToken {
  if (!isEmbeddableUserId(userId)) fail('ERR_INTERNAL', 'The user id cannot be embedded in a refresh token');
  const value = createRefreshTokenValue(context.random, userId);
  return {
    value,
    record: {
      digest: sha256Hex(value),
      userId,
      familyId,
      ...(organization === undefined ? {} : { organization }),
      ...(scope === undefined ? {} : { scope }),
      expiresAt: nowMs + context.refreshTokenTtlMs,
      familyExpiresAt: familyRevocationUntil(context, nowMs),
    },
  };
}

/** A new login family id. */
export function newFamilyId(context: ServiceContext): string {
  return randomHex(context.random, 16);
}

/**
 * Signs the access token for a user's CURRENT role in the selected organization (`org` and, for
 * users with memberships, `org_path`), lowered to the session's narrowing (`scope`), and builds
 * the token response (ChatShipper's fields and RFC 6749 §5.1's). A role outside the policy's
 * ladder is a data error: `ERR_INTERNAL`, no token.
 */
export async function buildTokenResponse(
  context: ServiceContext,
  user: UserRecord,
  selected: SelectedOrganization,
  familyId: string,
  refreshToken: string,
  nowMs: number,
  scope?: string,
): Promise<TokenResponse> {
  // A role stored as an alias of the ladder (ChatShipper's `viewer`) is its scope (`guest`).
  const stored = context.ladder.canonical(selected.role);
  if (stored === null) fail('ERR_INTERNAL', "The user's role is not a scope of the policy");
  const role = capRole(context.ladder, stored, scope);
  const iat = Math.floor(nowMs / 1000);
  const scopeText = context.scopeFormat === 'expanded' ? formatScope([role], { expand: true, aliases: true, ladder: context.ladder }) : role;
  const extra = context.claims === undefined ? {} : checkExtraClaims(context.claims({ id: user.id, email: user.email }));
  const token = await signAccessToken(
    context.tokens,
    {
      sub: user.id,
      scope: scopeText,
      iat,
      exp: iat + context.tokens.ttlSeconds,
      jti: randomHex(context.random, 16),
      sid: familyId,
      org: selected.organization,
      org_path: selected.path,
      email: user.email === '' ? undefined : user.email,
    },
    extra,
  );
  return Object.freeze({
    tokenType: 'Bearer',
    token,
    refreshToken,
    user: user.id,
    scope: scopeText,
    access_token: token,
    token_type: 'Bearer',
    expires_in: context.tokens.ttlSeconds,
    refresh_token: refreshToken,
  });
}
