import type { EndSessionsOptions } from '../service-types.js';
import { now, type ServiceContext } from '../lib/context.js';
import { credentialChannel, publishCredential } from '../lib/diagnostics.js';
import { callStore, fail } from '../lib/errors.js';

const MAX_ID_LENGTH = 256;

/**
 * `AuthService.endSessionsOfUser`: ends every session (refresh family) of a user at once, on
 * every instance sharing the store, except `options.except`; resolves how many it ended.
 *
 * Each ended family is revoked until its last credential expires: its refresh tokens answer
 * `ERR_REFRESH_INVALID`, and every access token issued from it `ERR_TOKEN_REVOKED` (401
 * `invalid_token`) at its next request — `authenticate` already asks the store about the family
 * on every request, cached token or not, so this adds no lookup. A login after the call starts a
 * new family and works at once. API keys are not sessions: a bot's keys follow its directory
 * record live (and `revokeApiKeysOfUser` deletes them); a store with a local view (Redis) also
 * drops what it remembered for the user's keys here, so a bot's changed role acts at once.
 *
 * Call it AFTER the directory write it follows (role change, deletion, password change): a
 * concurrent `login` or `refresh` then either reads the new record or has its family ended here.
 * Publishes `sessions.ended` on `scopeladder:credential`.
 */
export async function endSessionsOfUser(context: ServiceContext, userId: unknown, options?: EndSessionsOptions): Promise<number> {
  if (typeof userId !== 'string' || userId === '' || userId.length > MAX_ID_LENGTH) fail('ERR_INVALID_REQUEST', 'A user id is required');
  if (options !== undefined && (typeof options !== 'object' || options === null)) fail('ERR_INVALID_REQUEST', 'options must be an object');
  const except = options?.except;
  if (except !== undefined && (typeof except !== 'string' || except === '' || except.length > MAX_ID_LENGTH)) {
    fail('ERR_INVALID_REQUEST', 'except must be a session (family) id');
  }
  const nowMs = now(context);
  const ended = await callStore(context, () => context.store.revokeFamiliesOfUser(userId, nowMs, except === undefined ? {} : { except }));
  const count = typeof ended === 'number' && Number.isSafeInteger(ended) && ended >= 0 ? ended : 0;
  if (credentialChannel.hasSubscribers) publishCredential({ version: 1, type: 'sessions.ended', userId, count, kept: except ?? null });
  return count;
}
