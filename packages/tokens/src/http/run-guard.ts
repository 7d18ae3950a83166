import { ScopeladderError } from '@scopeladder/core';
import { decisionChannel, publishDenial } from '../lib/diagnostics.js';
import { authorizeNow, authorizeObserved, fieldsToCheck, routeName, tagRecord } from '../lib/guard-decision.js';
import { fail } from '../lib/errors.js';
import type { AuthContext } from '../service-types.js';
import type { AnyPolicy } from '../register.js';
import type { GuardPolicy, GuardRoute, GuardSpec } from './guard-types.js';

/**
 * Runs a guard; every decision is the policy's. Without `load`, authorizes the action on the
 * subject type (every instance) and the checked fields, and resolves `undefined`. With `load`,
 * loads the record, authorizes the action on that instance and fields, and resolves the record.
 * A missing record is `ERR_NOT_FOUND` only when the principal may act on every record of the
 * type, else the denial: a 404 never tells who may not see a record whether it exists. For
 * `create`/`update` the fields default to the body's top-level keys; a body that is not a plain
 * object is then `ERR_INVALID_REQUEST`. Denials reject with core's `ScopeladderError`s.
 * {@link decideGuard} is the same decision without a promise when none is needed.
 *
 * With a subscriber on `scopeladder:decision`, publishes one `DecisionMessage` per call that
 * reached a decision: allowed, denied (`ERR_INSUFFICIENT_SCOPE`/`ERR_FORBIDDEN`) or `ERR_NOT_FOUND`;
 * `route` (the adapter's) names the route in it. A request refused before any decision (a field
 * name, a body that is not an object, a failing `load`) publishes nothing.
 *
 * @example
 * ```ts
 * import { runGuard } from '@scopeladder/tokens/http';
 *
 * const spec = { action: 'update', subject: 'User', load: (req: Request) => users.get(req.params.id) };
 * const record = await runGuard(auth, service.policy, spec, req, req.body); // a guest: only its own record, only `name`
 * ```
 */
export async function runGuard<Request>(
  auth: AuthContext<AnyPolicy>,
  policy: GuardPolicy,
  spec: GuardSpec<Request>,
  request: Request,
  body: unknown,
  route?: GuardRoute<Request>,
): Promise<unknown> {
  const fields = fieldsToCheck(policy, spec, request, body);
  const { principal } = auth;
  const { action, subject } = spec;
  if (spec.load === undefined) {
    if (!decisionChannel.hasSubscribers) await authorizeNow(policy, principal, action, subject, fields);
    else await authorizeObserved(policy, principal, action, subject, subject, fields, 'type', routeName(route, request));
    return undefined;
  }
  const record = await spec.load(request);
  const observed = decisionChannel.hasSubscribers;
  const where = observed ? routeName(route, request) : null;
  if (record === null || record === undefined) {
    if (!observed) {
      await authorizeNow(policy, principal, action, subject);
      fail('ERR_NOT_FOUND', `${subject} not found`);
    }
    // The type-level denial is the decision; allowed on the type, the answer is "not found".
    await authorizeObserved(policy, principal, action, subject, subject, undefined, 'type', where, false);
    const notFound = new ScopeladderError('ERR_NOT_FOUND', `${subject} not found`);
    publishDenial({ principal, action, subject, level: 'record', route: where }, notFound);
    throw notFound;
  }
  const target = tagRecord(subject, record);
  if (!observed) await authorizeNow(policy, principal, action, target, fields);
  else await authorizeObserved(policy, principal, action, subject, target, fields, 'record', where);
  return record;
}
