import { decisionChannel } from '../lib/diagnostics.js';
import { authorizeNow, authorizeObserved, fieldsToCheck, routeName } from '../lib/guard-decision.js';
import type { AuthContext } from '../service-types.js';
import type { AnyPolicy } from '../register.js';
import type { GuardPolicy, GuardRoute, GuardSpec } from './guard-types.js';
import { runGuard } from './run-guard.js';

/**
 * {@link runGuard}'s decision, made at once when it can be: for a guard without `load` whose
 * policy answers synchronously (core's policies do), it returns `undefined` when allowed and
 * THROWS the denial (or `ERR_INVALID_REQUEST` for a body that is not an object) synchronously.
 * Otherwise — a guard with `load`, or a policy that returned a promise — it returns a promise
 * exactly as {@link runGuard} would (resolving the record, or `undefined`).
 *
 * For adapters on the request path: no promise, no extra turn of the event loop for the common
 * type-level guard. Call it inside the `try` (or promise callback) that hands errors to the
 * framework.
 *
 * Publishes the decision on `scopeladder:decision` when someone subscribes (see
 * {@link runGuard}); `route` names the route for it.
 *
 * @example
 * ```ts
 * import { decideGuard } from '@scopeladder/tokens/http';
 *
 * try {
 *   const pending = decideGuard(auth, service.policy, spec, req, req.body);
 *   if (pending === undefined) return next(); // allowed, synchronously
 *   pending.then((record) => next(), next);
 * } catch (error) {
 *   next(error); // e.g. ERR_INSUFFICIENT_SCOPE
 * }
 * ```
 */
export function decideGuard<Request>(
  auth: AuthContext<AnyPolicy>,
  policy: GuardPolicy,
  spec: GuardSpec<Request>,
  request: Request,
  body: unknown,
  route?: GuardRoute<Request>,
): Promise<unknown> | undefined {
  if (spec.load !== undefined) return runGuard(auth, policy, spec, request, body, route);
  const fields = fieldsToCheck(policy, spec, request, body);
  if (!decisionChannel.hasSubscribers) return authorizeNow(policy, auth.principal, spec.action, spec.subject, fields);
  const { action, subject } = spec;
  return authorizeObserved(policy, auth.principal, action, subject, subject, fields, 'type', routeName(route, request));
}
