import { authorizeNow, fieldsToCheck, tagRecord } from '../lib/guard-decision.js';
import { fail } from '../lib/errors.js';
import type { AuthContext } from '../service-types.js';
import type { AnyPolicy } from '../register.js';
import type { GuardPolicy, GuardSpec } from './guard-types.js';

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
): Promise<unknown> {
  const fields = fieldsToCheck(policy, spec, request, body);
  if (spec.load === undefined) {
    await authorizeNow(policy, auth.principal, spec.action, spec.subject, fields);
    return undefined;
  }
  const record = await spec.load(request);
  if (record === null || record === undefined) {
    await authorizeNow(policy, auth.principal, spec.action, spec.subject);
    fail('ERR_NOT_FOUND', `${spec.subject} not found`);
  }
  await authorizeNow(policy, auth.principal, spec.action, tagRecord(spec.subject, record), fields);
  return record;
}
