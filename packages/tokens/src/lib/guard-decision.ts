import { checkFieldName, describeFieldNameProblem, subject, type FieldNameProblem, type Principal } from '@scopeladder/core';
import type { GuardPolicy, GuardRoute, GuardSpec } from '../http/guard-types.js';
import type { DecisionMessage } from '../diagnostics/messages.js';
import { publishAllowed, publishDenial, type DecisionPoint } from './diagnostics.js';
import { fail } from './errors.js';
import { isPlainObject } from './plain-object.js';

const BODY_FIELD_ACTIONS: ReadonlySet<string> = new Set(['create', 'update']);
const NO_PROTECTED_FIELDS: readonly string[] = Object.freeze([]);
function refuse(name: string, problem: FieldNameProblem): never {
  fail('ERR_FIELD_NAME_INVALID', describeFieldNameProblem(name, problem));
}

/**
 * Refuses (`ERR_FIELD_NAME_INVALID`) a field name with a control character, or one confusable
 * with a protected field of the subject type: the policy's `checkFieldName` (the protected
 * fields' skeletons computed when the policy was defined); for a policy without it (only
 * `authorize`), control characters only.
 */
function assertFieldNames(policy: GuardPolicy, type: string, fields: readonly string[]): void {
  const check = policy.checkFieldName;
  for (const name of fields) {
    const problem = check === undefined ? checkFieldName(name, NO_PROTECTED_FIELDS) : check.call(policy, type, name);
    if (problem !== null) refuse(name, problem);
  }
}

/**
 * The fields a guard checks for this request and body (`undefined`: none). Every name is checked
 * first: a control character, or a look-alike of a protected field of the subject type, is
 * `ERR_FIELD_NAME_INVALID` whoever asks (never a legitimate name); the exact protected names go
 * on to the policy.
 */
export function fieldsToCheck<Request>(
  policy: GuardPolicy,
  spec: GuardSpec<Request>,
  request: Request,
  body: unknown,
): readonly string[] | undefined {
  const option = spec.fields;
  let fields: readonly string[] | undefined;
  if (option === false) return undefined;
  if (typeof option === 'function') fields = option(request);
  else if (option !== undefined) fields = option;
  else if (BODY_FIELD_ACTIONS.has(spec.action) && body !== undefined) {
    if (!isPlainObject(body)) fail('ERR_INVALID_REQUEST', 'Expected a JSON object body');
    fields = Object.keys(body);
  }
  if (fields === undefined || fields.length === 0) return undefined;
  assertFieldNames(policy, spec.subject, fields);
  return fields;
}

/** Whether {@link fieldsToCheck} reads the body: `create`/`update` without a `fields` option. */
export function readsBodyFields(spec: GuardSpec<never>): boolean {
  return spec.fields === undefined && BODY_FIELD_ACTIONS.has(spec.action);
}

/** Whether {@link fieldsToCheck} is `undefined` whatever the request and body. */
export function checksNoFields(spec: GuardSpec<never>): boolean {
  const option = spec.fields;
  if (option === false) return true;
  if (Array.isArray(option)) return option.length === 0;
  return option === undefined && !BODY_FIELD_ACTIONS.has(spec.action);
}

// A copy keeps the caller's record untouched (CASL tags the object it is given) and works
// for frozen records; the prototype is kept so getters of model classes still work.
export function tagRecord(type: string, record: unknown) {
  if (typeof record !== 'object' || record === null) {
    throw new TypeError(`scopeladder guard: load() must resolve an object, null or undefined for ${type}`);
  }
  const copy = Object.assign(Object.create(Object.getPrototypeOf(record) as object | null) as Record<string, unknown>, record);
  return subject(type, copy);
}

const settled = (): undefined => undefined;

/**
 * `policy.authorize(…)`: throws the denial synchronously. Core's policies answer synchronously
 * (`undefined`); should a policy return a promise, it is returned, resolving `undefined`.
 */
type AuthorizeParameters = Parameters<GuardPolicy['authorize']>;

export function authorizeNow(
  policy: GuardPolicy,
  principal: AuthorizeParameters[0],
  action: AuthorizeParameters[1],
  target: AuthorizeParameters[2],
  fields?: AuthorizeParameters[3],
): Promise<undefined> | undefined {
  const result: unknown = policy.authorize(principal, action, target, fields);
  if (typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function') {
    return Promise.resolve(result).then(settled);
  }
  return undefined;
}

/** The route name for a decision message: the adapter's {@link GuardRoute}, bounded; `null` without one. */
export function routeName<Request>(route: GuardRoute<Request> | undefined, request: Request): string | null {
  if (route === undefined) return null;
  const name = route(request);
  return typeof name === 'string' ? name.slice(0, 512) : null;
}

/**
 * {@link authorizeNow}, published on `scopeladder:decision` (the caller saw a subscriber): the
 * denial it throws (or its promise rejects with), or the allowance unless `publishAllowance` is
 * false (a precheck that is not the whole decision: the full check publishes it).
 */
export function authorizeObserved(
  policy: GuardPolicy,
  principal: Principal,
  action: string,
  subjectType: string,
  target: AuthorizeParameters[2],
  fields: AuthorizeParameters[3],
  level: DecisionMessage['level'],
  route: string | null,
  publishAllowance = true,
): Promise<undefined> | undefined {
  const point: DecisionPoint = { principal, action, subject: subjectType, level, route };
  let pending: Promise<undefined> | undefined;
  try {
    pending = authorizeNow(policy, principal, action as AuthorizeParameters[1], target, fields);
  } catch (error) {
    publishDenial(point, error);
    throw error;
  }
  if (pending === undefined) {
    if (publishAllowance) publishAllowed(point);
    return undefined;
  }
  return pending.then(
    () => {
      if (publishAllowance) publishAllowed(point);
      return undefined;
    },
    (error: unknown) => {
      publishDenial(point, error);
      throw error;
    },
  );
}
