import type { Policy } from '@scopeladder/core';

/**
 * Which fields a guard checks. Default: for `create` and `update`, the top-level keys of the
 * request body (so a guest may `PATCH` its own `name` but not its own `role`); for any other
 * action, none. `false` checks no field; an array or a function of the request names them.
 *
 * @example
 * ```ts
 * const fields: FieldsOption<Request> = (req) => Object.keys(req.body?.changes ?? {});
 * ```
 */
export type FieldsOption<Request> = false | readonly string[] | ((request: Request) => readonly string[] | undefined);

/**
 * How a guard finds the record it authorizes against, and which fields it checks. An adapter
 * exposes it with its own request type (Express's `Request`, Koa's context, Fastify's request).
 *
 * @example
 * ```ts
 * const options: GuardOptions<Request, User> = { load: (req) => users.get(String(req.params.id)), fields: ['name'] };
 * ```
 */
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

/**
 * A guard: the action and subject type to authorize, and its options.
 *
 * @example
 * ```ts
 * const spec: GuardSpec<Request> = { action: 'update', subject: 'User', load: (req) => users.get(req.params.id) };
 * ```
 */
export interface GuardSpec<Request, Resource = unknown> extends GuardOptions<Request, Resource> {
  /** The action, e.g. `"update"`. */
  readonly action: string;
  /** The subject type, e.g. `"User"`. */
  readonly subject: string;
}

/**
 * The policy operations a guard uses: core's `Policy#authorize` (awaited, should it ever be
 * async) and, when present, `Policy#checkFieldName`, which refuses field names confusable with a
 * protected field of the subject type (without it, a guard refuses only field names with control
 * characters), `Policy#actions` / `Policy#resources`, against which `assertGuardSpec` checks
 * a guard's names when it is declared, and `Policy#filterFor`, the list filter
 * `attachListFilter` hands a type-level guard's handler (without it: `none`, nothing listed).
 * `AuthService#policy` has them all.
 *
 * @example
 * ```ts
 * const policy: GuardPolicy = service.policy;
 * ```
 */
export type GuardPolicy = Pick<Policy, 'authorize'> & Partial<Pick<Policy, 'checkFieldName' | 'actions' | 'resources' | 'filterFor'>>;

/**
 * How an adapter names the route a guard protects, for the guard's decision message
 * (`scopeladder:decision`, field `route`): the method and the route's pattern, e.g.
 * `"GET /v2/users/:id"` — never the request's path, which may carry ids or secrets. Called only
 * when someone subscribes to the channel; `undefined` when the request matched no named route.
 *
 * @example
 * ```ts
 * const route: GuardRoute<Request> = (req) => (req.route === undefined ? undefined : `${req.method} ${req.route.path}`);
 * ```
 */
export type GuardRoute<Request> = (request: Request) => string | undefined;
