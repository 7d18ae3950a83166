import type { ServiceContext } from '../lib/context.js';
import { callStore, fail } from '../lib/errors.js';

/**
 * `AuthService.revokeApiKeysOfUser`: deletes every API key of a user; resolves how many.
 * (A deleted bot's keys already stop working, because keys are checked against the directory on
 * every request; this removes the records.)
 */
export async function revokeApiKeysOfUser(context: ServiceContext, userId: unknown): Promise<number> {
  if (typeof userId !== 'string' || userId === '') fail('ERR_INVALID_REQUEST', 'A user id is required');
  const deleted = await callStore(() => context.store.deleteApiKeysOfUser(userId));
  return typeof deleted === 'number' && Number.isSafeInteger(deleted) && deleted >= 0 ? deleted : 0;
}
