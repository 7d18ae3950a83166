import type { ServiceContext } from '../lib/context.js';
import { credentialChannel, publishCredential } from '../lib/diagnostics.js';
import { callStore, fail } from '../lib/errors.js';

/**
 * `AuthService.revokeApiKey`: deletes one API key by its public id; `true` if one was deleted.
 * Publishes `apikey.revoked` (`count` 1 or 0) on `scopeladder:credential`.
 */
export async function revokeApiKey(context: ServiceContext, keyId: unknown): Promise<boolean> {
  if (typeof keyId !== 'string' || keyId === '') fail('ERR_INVALID_REQUEST', 'An API key id is required');
  const deleted = (await callStore(context, () => context.store.deleteApiKey(keyId))) === true;
  if (credentialChannel.hasSubscribers) publishCredential({ version: 1, type: 'apikey.revoked', keyId, userId: null, count: deleted ? 1 : 0 });
  return deleted;
}
