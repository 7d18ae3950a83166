import type { AuthContext, AuthService } from '@scopeladder/tokens';
import { createOrganizationHandlers } from './handlers/organizations.js';
import { createResourceHandlers } from './handlers/resources.js';
import { createUserHandlers } from './handlers/users.js';
import { isId } from './lib/ids.js';
import { RESOURCE_ALIASES, RESOURCE_PATHS, RESOURCE_TYPES, type Action, type ResourceType } from './resources.js';
import type { ResourceRepository, UserRepository } from './storage/types.js';

/** What a handler receives: the verified caller and the parsed request. Framework-free. */
export interface ApiRequest {
  /** Set by the adapter's authentication middleware before the guard and the handler run. */
  readonly auth: AuthContext;
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
  /** The client's address, for login throttling of password confirmations. */
  readonly source?: string | undefined;
  /** The query string, parsed by the framework (values are strings, or arrays when repeated). */
  readonly query?: Readonly<Record<string, unknown>> | undefined;
  /**
   * `protocol://host` as the client addressed the server (behind `TRUST_PROXY`, as the proxy
   * forwarded it): the base of the absolute `Link` URLs of lists.
   */
  readonly origin?: string | undefined;
  /** The collection path the request came in on (`/v2/orggroups` for the alias), set by the route. */
  readonly collectionPath?: string | undefined;
}

/** What a handler answers; the framework glue writes it as JSON (no body: 204). */
export interface ApiResponse {
  readonly status: number;
  readonly body?: unknown;
  /** Extra headers, e.g. a list's `Link: <…>; rel="next"`. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A handler: throws only `ScopeladderError`s (`ERR_NOT_FOUND`, `ERR_INVALID_REQUEST`, denials…). */
export type ApiHandler = (request: ApiRequest) => Promise<ApiResponse>;

/** The HTTP methods of the API. */
export type ApiMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One route, with what the adapter's guard must check before the handler runs. */
export interface ApiRoute {
  readonly method: ApiMethod;
  /** `/v2/users/:id` style (the same syntax in Express, Fastify and @koa/router). */
  readonly path: string;
  readonly action: Action;
  readonly subjectType: ResourceType;
  /**
   * `/:id` routes are guarded on the loaded record (so the policy's "(self)" rows apply);
   * other routes on the whole type. Create and update also have the body's fields checked.
   */
  readonly byId: boolean;
  /**
   * For `/:id` routes: loads the record the adapter's guard authorizes against (`load` option),
   * or `null` when there is none (the guard then answers 404 to those who may act on every
   * record of the type, and the denial to everyone else).
   */
  readonly load: ((id: string | undefined) => Promise<object | null>) | undefined;
  readonly handle: ApiHandler;
}

/** What the handlers work with. */
export interface ApiDependencies {
  readonly auth: AuthService;
  readonly users: UserRepository;
  readonly resources: ResourceRepository;
  /** The roles a user may have: the scopes of the policy's ladder, lowest first. */
  readonly roles: readonly string[];
  /** Hashes a password for the directory (tokens' `hashPassword`). */
  readonly hashPassword: (password: string) => Promise<string>;
}

/**
 * Every route of the ChatShipper API surface, framework-independent: for each resource,
 * list / fetch / create / update / delete (and the same under an alias path: `/v2/orggroups`,
 * the path ChatShipper's own SDK uses for organization groups). The framework files mount these behind the
 * adapter's guards (`action`, `subjectType`, `load`); every decision, field checks included,
 * is the policy's, made in the guard before the handler runs.
 *
 * @example
 * ```ts
 * for (const route of createRoutes(deps)) app[route.method.toLowerCase()](route.path, guard(route), run(route));
 * ```
 */
export function createRoutes(deps: ApiDependencies): readonly ApiRoute[] {
  const routes: ApiRoute[] = [];
  for (const type of RESOURCE_TYPES) {
    const handlers = handlersOf(deps, type);
    const load = async (id: string | undefined): Promise<object | null> => {
      if (!isId(id)) return null;
      return type === 'User' ? deps.users.findById(id) : deps.resources.get(type, id);
    };
    const byType = { subjectType: type, byId: false, load: undefined } as const;
    const byId = { subjectType: type, byId: true, load } as const;
    for (const base of [RESOURCE_PATHS[type], ...(RESOURCE_ALIASES[type] ?? [])]) {
      const list: ApiHandler = (request) => handlers.list({ ...request, collectionPath: base });
      routes.push(
        { method: 'GET', path: base, action: 'list', ...byType, handle: list },
        { method: 'GET', path: `${base}/:id`, action: 'fetch', ...byId, handle: handlers.fetch },
        { method: 'POST', path: base, action: 'create', ...byType, handle: handlers.create },
        { method: 'PATCH', path: `${base}/:id`, action: 'update', ...byId, handle: handlers.update },
        { method: 'DELETE', path: `${base}/:id`, action: 'delete', ...byId, handle: handlers.delete },
      );
    }
  }
  return routes;
}

function handlersOf(deps: ApiDependencies, type: ResourceType): ResourceHandlers {
  if (type === 'User') return createUserHandlers(deps);
  if (type === 'Organization') return createOrganizationHandlers(deps);
  return createResourceHandlers(deps, type);
}

/** The five handlers of one resource. */
export interface ResourceHandlers {
  readonly list: ApiHandler;
  readonly fetch: ApiHandler;
  readonly create: ApiHandler;
  readonly update: ApiHandler;
  readonly delete: ApiHandler;
}
