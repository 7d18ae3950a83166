import { subject } from '@scopeladder/core';
import { fail } from '../lib/errors.js';
import { isPlainObject } from '../lib/plain-object.js';
import type { AuthContext } from '../service-types.js';
import type { GuardPolicy, GuardSpec } from './guard-types.js';

const BODY_FIELD_ACTIONS: ReadonlySet<string> = new Set(['create', 'update']);

function fieldsToCheck<Request>(spec: GuardSpec<Request>, request: Request, body: unknown): readonly string[] | undefined {
  const option = spec.fields;
  let fields: readonly string[] | undefined;
  if (option === false) return undefined;
  if (typeof option === 'function') fields = option(request);
  else if (option !== undefined) fields = option;
  else if (BODY_FIELD_ACTIONS.has(spec.action) && body !== undefined) {
    if (!isPlainObject(body)) fail('ERR_INVALID_REQUEST', 'Expected a JSON object body');
    fields = Object.keys(body);
  }
  return fields === undefined || fields.length === 0 ? undefined : fields;
}

// A copy keeps the caller's record untouched (CASL tags the object it is given) and works
// for frozen records; the prototype is kept so getters of model classes still work.
function tag(type: string, record: unknown) {
  if (typeof record !== 'object' || record === null) {
    throw new TypeError(`scopeladder guard: load() must resolve an object, null or undefined for ${type}`);
  }
  const copy = Object.assign(Object.create(Object.getPrototypeOf(record) as object | null) as Record<string, unknown>, record);
  return subject(type, copy);
}

/**
 * Runs a guard; every decision is the policy's. Without `load`, authorizes the action on the
 * subject type (every instance) and the checked fields, and resolves `undefined`. With `load`,
 * loads the record, authorizes the action on that instance and fields, and resolves the record.
 * A missing record is `ERR_NOT_FOUND` only when the principal may act on every record of the
 * type, else the denial: a 404 never tells who may not see a record whether it exists. For
 * `create`/`update` the fields default to the body's top-level keys; a body that is not a plain
 * object is then `ERR_INVALID_REQUEST`. Denials reject with core's `ScopeladderError`s.
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
  auth: AuthContext,
  policy: GuardPolicy,
  spec: GuardSpec<Request>,
  request: Request,
  body: unknown,
): Promise<unknown> {
  const fields = fieldsToCheck(spec, request, body);
  if (spec.load === undefined) {
    await policy.authorize(auth.principal, spec.action, spec.subject, fields);
    return undefined;
  }
  const record = await spec.load(request);
  if (record === null || record === undefined) {
    await policy.authorize(auth.principal, spec.action, spec.subject);
    fail('ERR_NOT_FOUND', `${spec.subject} not found`);
  }
  await policy.authorize(auth.principal, spec.action, tag(spec.subject, record), fields);
  return record;
}
