import type { UserRecord } from '../directory.js';
import type { ServiceContext } from './context.js';
import { callDirectory } from './errors.js';
import { parseScryptHash, verifyScrypt, type ParsedScryptHash } from './scrypt.js';

/** The longest password the service verifies (longer ones are refused before any work). */
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * Whether `password` is `user`'s: the directory's own `verifyPassword` when it has one, else the
 * stored scrypt hash. A user without a usable hash costs the same scrypt work and answers `false`.
 */
export async function passwordMatches(context: ServiceContext, user: UserRecord, password: string): Promise<boolean> {
  const { directory } = context;
  if (typeof directory.verifyPassword === 'function') {
    const verify = directory.verifyPassword.bind(directory);
    return (await callDirectory(() => verify(user, password))) === true;
  }
  const parsed = typeof user.passwordHash === 'string' ? parseScryptHash(user.passwordHash) : null;
  if (parsed === null) return burnPasswordWork(context, password);
  return verifyScrypt(parsed, password);
}

/**
 * The same scrypt work as a real verification (the configured cost), for unknown users, users
 * without a password and unusable hashes. Always resolves `false`.
 */
export async function burnPasswordWork(context: ServiceContext, password: string): Promise<false> {
  const dummy: ParsedScryptHash = {
    ...context.passwordWork,
    salt: Buffer.from(context.random(16)),
    hash: Buffer.from(context.random(32)),
  };
  await verifyScrypt(dummy, password);
  return false;
}
