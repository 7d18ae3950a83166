import type { CreateApiKeyResult } from '../service-types.js';
import { now, type ServiceContext } from '../lib/context.js';
import { sha256Hex } from '../lib/encoding.js';
import { callStore, fail } from '../lib/errors.js';
import { apiKeyCeiling } from '../lib/scopes.js';
import { createApiKeyValue, randomHex } from '../lib/secrets.js';
import { findUserById } from '../lib/users.js';
import { isScopeladderError, parseScope } from '@scopeladder/core';

/**
 * `AuthService.createApiKey`: a new API key for a bot user, shown once.
 *
 * - `scopes` not a non-empty array of RFC 6749 scope-tokens → `ERR_SCOPE_MALFORMED`;
 * - no such user → `ERR_NOT_FOUND`; not a bot (`kind !== 'bot'`) → `ERR_INVALID_REQUEST`;
 * - a scope the ladder does not know, above the bot's current role, or the top scope (`admin`)
 *   unless `allowAdminApiKeys` → `ERR_SCOPE_NOT_ALLOWED`.
 */
export async function createApiKey(context: ServiceContext, botUserId: unknown, scopes: unknown): Promise<CreateApiKeyResult> {
  if (typeof botUserId !== 'string' || botUserId === '') fail('ERR_INVALID_REQUEST', 'A bot user id is required');
  if (!Array.isArray(scopes)) fail('ERR_SCOPE_MALFORMED', 'Malformed scope: expected an array of scopes');
  let requested: readonly string[];
  try {
    requested = parseScope(scopes, { ladder: context.ladder }).tokens;
  } catch (error) {
    if (isScopeladderError(error)) fail('ERR_SCOPE_MALFORMED', 'Malformed scope');
    throw error;
  }

  const bot = await findUserById(context, botUserId);
  if (bot === null) fail('ERR_NOT_FOUND', 'No such user');
  if (bot.kind !== 'bot') fail('ERR_INVALID_REQUEST', 'API keys are only for bot users');
  const ceiling = Math.min(context.ladder.rank(bot.role), apiKeyCeiling(context.ladder, context.allowAdminApiKeys));
  for (const scope of requested) {
    const rank = context.ladder.rank(scope);
    if (rank < 0 || rank > ceiling) fail('ERR_SCOPE_NOT_ALLOWED', 'Scope not allowed for this API key');
  }

  const apiKey = createApiKeyValue(context.random);
  const id = randomHex(context.random, 12);
  const stored = Object.freeze([...requested]);
  await callStore(() => context.store.saveApiKey({ digest: sha256Hex(apiKey), id, userId: bot.id, scopes: stored, createdAt: now(context) }));
  return Object.freeze({ id, apiKey, userId: bot.id, scopes: stored });
}
