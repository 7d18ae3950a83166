import type { CreateApiKeyOptions, CreateApiKeyResult } from '../service-types.js';
import { now, type ServiceContext } from '../lib/context.js';
import { sha256Hex } from '../lib/encoding.js';
import { credentialChannel, publishCredential } from '../lib/diagnostics.js';
import { callStore, fail } from '../lib/errors.js';
import { apiKeyCeiling } from '../lib/scopes.js';
import { createApiKeyValue, randomHex } from '../lib/secrets.js';
import { isOrganizationId, selectOrganization } from '../lib/organizations.js';
import { findUserById } from '../lib/users.js';
import { isScopeladderError, parseScope } from '@scopeladder/core';

/**
 * `AuthService.createApiKey`: a new API key for a bot user, shown once.
 *
 * - `scopes` not a non-empty array of RFC 6749 scope-tokens → `ERR_SCOPE_MALFORMED`;
 * - no such user → `ERR_NOT_FOUND`; not a bot (`kind !== 'bot'`) → `ERR_INVALID_REQUEST`;
 * - `options.organization` not a bounded non-empty string, or an organization the bot does not
 *   reach → `ERR_INVALID_REQUEST`;
 * - a scope the ladder does not know, above the bot's current role (for a bot with memberships:
 *   its role in the key's organization), or the top scope (`admin`) unless `allowAdminApiKeys`
 *   → `ERR_SCOPE_NOT_ALLOWED`.
 *
 * A bot with memberships gets a key bound to `options.organization` (default: its first
 * membership's), stored in the key record; without memberships, the key acts in the bot's own
 * `organization` as before (`options.organization`, when given, must be that one).
 */
export async function createApiKey(
  context: ServiceContext,
  botUserId: unknown,
  scopes: unknown,
  options: CreateApiKeyOptions = {},
): Promise<CreateApiKeyResult> {
  if (typeof botUserId !== 'string' || botUserId === '') fail('ERR_INVALID_REQUEST', 'A bot user id is required');
  if (typeof options !== 'object' || options === null) fail('ERR_INVALID_REQUEST', 'options must be an object');
  const { organization } = options;
  if (organization !== undefined && !isOrganizationId(organization)) {
    fail('ERR_INVALID_REQUEST', 'organization must be a non-empty string of at most 256 characters');
  }
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
  const selected = await selectOrganization(context, bot, organization);
  if (selected === null) fail('ERR_INVALID_REQUEST', 'The bot is not a member of this organization');
  const ceiling = Math.min(context.ladder.rank(selected.role), apiKeyCeiling(context.ladder, context.allowAdminApiKeys));
  for (const scope of requested) {
    const rank = context.ladder.rank(scope);
    if (rank < 0 || rank > ceiling) fail('ERR_SCOPE_NOT_ALLOWED', 'Scope not allowed for this API key');
  }

  const apiKey = createApiKeyValue(context.random);
  const id = randomHex(context.random, 12);
  const stored = Object.freeze([...requested]);
  const bound = selected.path === undefined ? {} : { organization: selected.organization as string };
  await callStore(context, () =>
    context.store.saveApiKey({ digest: sha256Hex(apiKey), id, userId: bot.id, scopes: stored, ...bound, createdAt: now(context) }),
  );
  if (credentialChannel.hasSubscribers) {
    publishCredential({
      version: 1,
      type: 'apikey.created',
      keyId: id,
      userId: bot.id,
      scopes: stored,
      organization: selected.path === undefined ? null : (selected.organization ?? null),
    });
  }
  return Object.freeze({ id, apiKey, userId: bot.id, scopes: stored, ...bound });
}
