import type { ServiceContext } from '../lib/context.js';
import { callStore, fail } from '../lib/errors.js';

/** `AuthService.revokeApiKey`: deletes one API key by its public id; `true` if one was deleted. */
export async function revokeApiKey(context: ServiceContext, keyId: unknown): Promise<boolean> {
  if (typeof keyId !== 'string' || keyId === '') fail('ERR_INVALID_REQUEST', 'An API key id is required');
  return (await callStore(() => context.store.deleteApiKey(keyId))) === true;
}
