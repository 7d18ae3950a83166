/**
 * Test support for the local revocation view of @scopeladder/redis: a store handle that, after
 * each call that changes credential state, waits until the given views applied it.
 */

/** Calls of the TokenStore contract that change credential state (the rest only read or count). */
const WRITES: ReadonlySet<string> = new Set([
  'saveRefreshToken',
  'rotateRefreshToken',
  'revokeFamily',
  'revokeFamiliesOfUser',
  'revokeAccessToken',
  'saveApiKey',
  'deleteApiKey',
  'deleteApiKeysOfUser',
]);

/**
 * `target`, except that each write resolves only once `sync()` resolved after it (e.g. every
 * instance's `syncView()`). The store contract reads on one instance right after a write on the
 * other; with the local view another instance sees a write within the view's bound, not at once,
 * so this is what "after the bound" means there. Reads pass through untouched.
 */
export function settledAfterWrites<T extends object>(target: T, sync: () => Promise<unknown>): T {
  return new Proxy(target, {
    get(object, name, receiver) {
      const value: unknown = Reflect.get(object, name, receiver);
      if (typeof name !== 'string' || !WRITES.has(name) || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const result: unknown = await (value as (...callArgs: unknown[]) => Promise<unknown>).apply(object, args);
        await sync();
        return result;
      };
    },
  });
}
