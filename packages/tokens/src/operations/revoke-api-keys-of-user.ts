import type { ServiceContext } from '../lib/context.js';
import { credentialChannel, publishCredential } from '../lib/diagnostics.js';
import { callStore, fail } from '../lib/errors.js';

/**
 * `AuthService.revokeApiKeysOfUser`: deletes every API key of a user; resolves how many.
 * (A deleted bot's keys already stop working, because keys are checked against the directory on
 * every request; this removes the records.) Publishes `apikey.revoked` with the `count` on
 * `scopeladder:credential`.
 */
export async function revokeApiKeysOfUser(context: ServiceContext, userId: unknown): Promise<number> {
  if (typeof userId !== 'string' || userId === '') fail('ERR_INVALID_REQUEST', 'A user id is required');
  const deleted = await callStore(context, () => context.store.deleteApiKeysOfUser(userId));
  const count = typeof deleted === 'number' && Number.isSafeInteger(deleted) && deleted >= 0 ? deleted : 0;
  if (credentialChannel.hasSubscribers) publishCredential({ version: 1, type: 'apikey.revoked', keyId: null, userId, count });
  return count;
}
