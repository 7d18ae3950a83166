// Shared by @scopeladder/express, @scopeladder/fastify and @scopeladder/koa (kept byte-identical by a test).
import { ScopeladderError, subject, type Policy } from '@scopeladder/core';
import type { AuthContext } from '@scopeladder/tokens';

/**
 * Which fields an authorization checks. Default: for `create` and `update`, the top-level keys
 * of the request body (so a guest may `PATCH` its own `name` but not its own `role`); for any
 * other action, none. `false` checks no field; an array or a function names them.
 */
export type FieldsOption<Request> = false | readonly string[] | ((request: Request) => readonly string[] | undefined);

/** How a guard finds the record it authorizes against, and which fields it checks. */
export interface GuardOptions<Request, Resource = unknown> {
  /**
   * Loads the record the request acts on (e.g. by `params.id`). When given, the check runs
   * against that instance, so conditional rules such as "(self)" apply; the record is then
   * available as `auth.resource`. `null`/`undefined` answers `ERR_NOT_FOUND` (404) when the
   * principal may act on every record of the type, and the denial otherwise, so a 404 never
   * tells someone who may not see a record whether it exists.
   */
  readonly load?: ((request: Request) => Resource | null | undefined | Promise<Resource | null | undefined>) | undefined;
  /** Which fields to check; see {@link FieldsOption}. */
  readonly fields?: FieldsOption<Request> | undefined;
}

/** A guard: the action and subject type to authorize, and its options. */
export interface GuardSpec<Request, Resource = unknown> extends GuardOptions<Request, Resource> {
  readonly action: string;
  readonly subject: string;
}

const BODY_FIELD_ACTIONS: ReadonlySet<string> = new Set(['create', 'update']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Throws a `TypeError` for a guard that cannot work (caller misuse, found at construction). */
export function assertGuardSpec(spec: GuardSpec<never>, where: string): void {
  if (typeof spec.action !== 'string' || spec.action === '') {
    throw new TypeError(`${where}: action must be a non-empty string`);
  }
  if (typeof spec.subject !== 'string' || spec.subject === '') {
    throw new TypeError(`${where}: subject must be a non-empty string (a subject type such as "User")`);
  }
  if (spec.load !== undefined && typeof spec.load !== 'function') {
    throw new TypeError(`${where}: load must be a function`);
  }
  const { fields } = spec;
  if (fields !== undefined && fields !== false && typeof fields !== 'function' && !Array.isArray(fields)) {
    throw new TypeError(`${where}: fields must be false, an array of field names or a function`);
  }
}

function fieldsToCheck<Request>(spec: GuardSpec<Request>, request: Request, body: unknown): readonly string[] | undefined {
  const option = spec.fields;
  let fields: readonly string[] | undefined;
  if (option === false) return undefined;
  if (typeof option === 'function') fields = option(request);
  else if (option !== undefined) fields = option;
  else if (BODY_FIELD_ACTIONS.has(spec.action) && body !== undefined) {
    if (!isPlainObject(body)) throw new ScopeladderError('ERR_INVALID_REQUEST', 'Expected a JSON object body');
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
 * The checks a guard can make before the body is read: a guard without `load` must at least
 * be allowed on the whole type. Lets a framework refuse before parsing a body.
 */
export async function precheckGuard(auth: AuthContext, policy: GuardPolicy, spec: GuardSpec<never>): Promise<void> {
  if (spec.load === undefined) await policy.authorize(auth.principal, spec.action, spec.subject);
}

/** The policy operation a guard uses: core's `Policy#authorize` (awaited, should it ever be async). */
export type GuardPolicy = Pick<Policy, 'authorize'>;

/**
 * Runs a guard: every decision is the policy's. Without `load`, authorizes the action on the
 * type (every instance) and the checked fields. With `load`, loads the record, authorizes the
 * action on that instance and fields, and resolves the record.
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
    throw new ScopeladderError('ERR_NOT_FOUND', `${spec.subject} not found`);
  }
  await policy.authorize(auth.principal, spec.action, tag(spec.subject, record), fields);
  return record;
}
