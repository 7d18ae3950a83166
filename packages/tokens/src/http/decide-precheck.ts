import { authorizeNow } from '../lib/guard-decision.js';
import type { AuthContext } from '../service-types.js';
import type { AnyPolicy } from '../register.js';
import type { GuardPolicy, GuardSpec } from './guard-types.js';

/**
 * `precheckGuard`'s decision, made at once: `undefined` when allowed (or when the guard has
 * `load`), the denial THROWN synchronously; a promise only if the policy returned one.
 *
 * @example
 * ```ts
 * import { decidePrecheck } from '@scopeladder/tokens/http';
 *
 * try {
 *   const pending = decidePrecheck(auth, service.policy, spec);
 *   if (pending === undefined) done();
 *   else pending.then(() => done(), done);
 * } catch (error) {
 *   done(error); // e.g. ERR_INSUFFICIENT_SCOPE
 * }
 * ```
 */
export function decidePrecheck(auth: AuthContext<AnyPolicy>, policy: GuardPolicy, spec: GuardSpec<never>): Promise<undefined> | undefined {
  if (spec.load !== undefined) return undefined;
  return authorizeNow(policy, auth.principal, spec.action, spec.subject);
}
