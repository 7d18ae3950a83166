import { decisionChannel } from '../lib/diagnostics.js';
import { authorizeNow, authorizeObserved, routeName } from '../lib/guard-decision.js';
import type { AuthContext } from '../service-types.js';
import type { AnyPolicy } from '../register.js';
import type { GuardPolicy, GuardRoute, GuardSpec } from './guard-types.js';
import { isPrecheckComplete } from './is-precheck-complete.js';

/**
 * `precheckGuard`'s decision, made at once: `undefined` when allowed (or when the guard has
 * `load`), the denial THROWN synchronously; a promise only if the policy returned one.
 *
 * With a subscriber on `scopeladder:decision`, publishes a denial, and an allowance only when
 * this check is the guard's whole decision ({@link isPrecheckComplete}); otherwise the full check
 * ({@link decideGuard}) publishes it — one message per request either way. `request` and `route`
 * name the route in it.
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
export function decidePrecheck<Request = never>(
  auth: AuthContext<AnyPolicy>,
  policy: GuardPolicy,
  spec: GuardSpec<never>,
  request?: Request,
  route?: GuardRoute<Request>,
): Promise<undefined> | undefined {
  if (spec.load !== undefined) return undefined;
  if (!decisionChannel.hasSubscribers) return authorizeNow(policy, auth.principal, spec.action, spec.subject);
  const where = request === undefined ? null : routeName(route, request);
  const { action, subject } = spec;
  return authorizeObserved(policy, auth.principal, action, subject, subject, undefined, 'type', where, isPrecheckComplete(spec));
}
