import { ScopeladderError } from '@scopeladder/core';
import type { ApiKeyRecord, RefreshTokenRecord, RotateRefreshResult } from '@scopeladder/tokens';

function corrupt(): ScopeladderError {
  return new ScopeladderError('ERR_INTERNAL', 'The token store holds a malformed record');
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  throw corrupt();
}

function number(value: unknown): number {
  const parsed = Number(text(value));
  if (!Number.isFinite(parsed)) throw corrupt();
  return parsed;
}

/**
 * A script's integer reply: a number, or its decimal string on a client created with ioredis'
 * `stringNumbers` option; anything else is `NaN`.
 */
export function integerOf(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
}

/** An optional organization field: absent (`null`, `undefined`, `''`) → no property. */
function organizationOf(value: unknown): { organization?: string } {
  if (value === null || value === undefined) return {};
  const organization = text(value);
  return organization === '' ? {} : { organization };
}

/** An optional narrowed scope: absent (`null`, `undefined`, `''`) → no property. */
function scopeOf(value: unknown): { scope?: string } {
  if (value === null || value === undefined) return {};
  const scope = text(value);
  return scope === '' ? {} : { scope };
}

/** Decodes a refresh token from its hash fields. */
export function decodeRefreshToken(
  digest: string,
  userId: unknown,
  familyId: unknown,
  expiresAt: unknown,
  organization?: unknown,
  scope?: unknown,
): RefreshTokenRecord {
  return {
    digest,
    userId: text(userId),
    familyId: text(familyId),
    ...organizationOf(organization),
    ...scopeOf(scope),
    expiresAt: number(expiresAt),
  };
}

/**
 * Decodes the reply of the rotation script: `[status, userId, familyId, expiresAt, organization,
 * scope]` of the old token (`''` for none; a reply of four or five elements has none).
 */
export function decodeRotation(reply: unknown, digest: string): RotateRefreshResult {
  if (!Array.isArray(reply) || reply.length === 0) throw corrupt();
  const status = text(reply[0]);
  if (status === 'not_found') return { status };
  if (reply.length < 4 || reply.length > 6) throw corrupt();
  const record = decodeRefreshToken(digest, reply[1], reply[2], reply[3], reply[4], reply[5]);
  switch (status) {
    case 'rotated':
    case 'reused':
    case 'expired':
    case 'revoked':
      return { status, record };
    default:
      throw corrupt();
  }
}

/** Decodes an API key from its hash fields. */
export function decodeApiKey(
  digest: string,
  id: unknown,
  userId: unknown,
  scopes: unknown,
  createdAt: unknown,
  organization?: unknown,
): ApiKeyRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text(scopes));
  } catch {
    throw corrupt();
  }
  if (!Array.isArray(parsed) || !parsed.every((scope) => typeof scope === 'string')) throw corrupt();
  return {
    digest,
    id: text(id),
    userId: text(userId),
    scopes: parsed as string[],
    ...organizationOf(organization),
    createdAt: number(createdAt),
  };
}

/** Decodes a throttle counter reply `[count, resetAt]`. */
export function decodeCounter(reply: unknown): { count: number; resetAt: number } {
  if (!Array.isArray(reply) || reply.length !== 2) throw corrupt();
  return { count: number(reply[0]), resetAt: number(reply[1]) };
}
