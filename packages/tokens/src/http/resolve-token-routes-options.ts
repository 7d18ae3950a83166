import type { Ladder } from '@scopeladder/core';
import { DEFAULT_TOKEN_BODY_LIMIT } from './read-body.js';

/**
 * Who may call the introspection endpoint (RFC 7662 §2.1: it must not be an oracle for anyone).
 *
 * @example
 * ```ts
 * // Admin-scoped bearers (the default), and one resource server with its own secret:
 * const access: IntrospectionAccessOptions = { client: { id: 'billing-api', secret: process.env.INTROSPECTION_SECRET! } };
 * ```
 */
export interface IntrospectionAccessOptions {
  /**
   * The scope a bearer caller (access token or API key) must hold. Default: the top of the
   * policy's ladder (`admin`). `false`: bearer callers are refused (only `client` may call).
   */
  readonly scope?: string | false | undefined;
  /**
   * A client allowed with HTTP Basic (`Authorization: Basic base64(id:secret)`, RFC 6749 §2.3.1),
   * e.g. a resource server. Both compared in constant time. The secret: at least 32 characters.
   */
  readonly client?: { readonly id: string; readonly secret: string } | undefined;
}

/** {@link IntrospectionAccessOptions} checked: `scope` `undefined` means the top of the ladder, `null` none. */
export interface ResolvedIntrospectionAccess {
  readonly scope: string | null | undefined;
  readonly client: { readonly id: string; readonly secret: string } | null;
}

/**
 * Where an adapter mounts the token endpoint (and the revocation and introspection endpoints
 * beside it), and how large a body they take. Each adapter documents its own copy of these
 * options (e.g. `ExpressTokenRoutesOptions`).
 *
 * @example
 * ```ts
 * const options: TokenRoutesOptions = { path: '/api/token', bodyLimit: 8 * 1024, introspectionPath: false };
 * ```
 */
export interface TokenRoutesOptions {
  /** The path of the token endpoint, starting with `/`. Default `/v2/auth/token`. */
  readonly path?: string | undefined;
  /** Largest accepted body in bytes, a positive integer. Default {@link DEFAULT_TOKEN_BODY_LIMIT} (16 KiB). */
  readonly bodyLimit?: number | undefined;
  /** The path of the RFC 7009 revocation endpoint, or `false` for none. Default `/v2/auth/revoke`. */
  readonly revocationPath?: string | false | undefined;
  /** The path of the RFC 7662 introspection endpoint, or `false` for none. Default `/v2/auth/introspect`. */
  readonly introspectionPath?: string | false | undefined;
  /** Who may introspect (see {@link IntrospectionAccessOptions}). Default: bearers with the top scope. */
  readonly introspection?: IntrospectionAccessOptions | undefined;
}

/**
 * {@link TokenRoutesOptions} with the defaults filled in (`null`: that endpoint is not mounted).
 *
 * @example
 * ```ts
 * const { path, bodyLimit, revocationPath, introspectionPath }: ResolvedTokenRoutesOptions = resolveTokenRoutesOptions({});
 * // { path: '/v2/auth/token', bodyLimit: 16384, revocationPath: '/v2/auth/revoke', introspectionPath: '/v2/auth/introspect', … }
 * ```
 */
export interface ResolvedTokenRoutesOptions {
  readonly path: string;
  readonly bodyLimit: number;
  readonly revocationPath: string | null;
  readonly introspectionPath: string | null;
  readonly introspection: ResolvedIntrospectionAccess;
}

const MIN_CLIENT_SECRET_LENGTH = 32;

function optionalPath(where: string, name: string, value: unknown, fallback: string): string | null {
  if (value === false) return null;
  const path = value ?? fallback;
  if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError(`${where}: ${name} must start with "/" (or be false)`);
  return path;
}

function resolveIntrospection(where: string, value: unknown, ladder: Ladder | undefined): ResolvedIntrospectionAccess {
  if (value === undefined) return { scope: undefined, client: null };
  if (typeof value !== 'object' || value === null) throw new TypeError(`${where}: introspection must be { scope?, client? }`);
  const { scope, client } = value as { scope?: unknown; client?: unknown };
  if (scope !== undefined && scope !== false && (typeof scope !== 'string' || (ladder !== undefined && !ladder.has(scope)))) {
    throw new TypeError(`${where}: introspection.scope must be a scope of the policy's ladder, or false`);
  }
  let resolvedClient: ResolvedIntrospectionAccess['client'] = null;
  if (client !== undefined) {
    const { id, secret } = (typeof client === 'object' && client !== null ? client : {}) as { id?: unknown; secret?: unknown };
    if (typeof id !== 'string' || id === '' || id.includes(':'))
      throw new TypeError(`${where}: introspection.client.id must be a non-empty string without ":"`);
    if (typeof secret !== 'string' || secret.length < MIN_CLIENT_SECRET_LENGTH) {
      throw new TypeError(`${where}: introspection.client.secret must be a string of at least ${MIN_CLIENT_SECRET_LENGTH} characters`);
    }
    resolvedClient = Object.freeze({ id, secret });
  }
  if (scope === false && resolvedClient === null) throw new TypeError(`${where}: introspection with scope false needs a client`);
  return { scope: scope === false ? null : scope, client: resolvedClient };
}

/**
 * Fills in the defaults of the token-endpoint options and refuses misuse with a `TypeError`
 * naming `where`: a path not starting with `/`, a body limit that is not a positive integer, two
 * endpoints on one path, an introspection scope not of `ladder` (when given), a client secret
 * shorter than 32 characters.
 *
 * @example
 * ```ts
 * import { resolveTokenRoutesOptions } from '@scopeladder/tokens/http';
 *
 * function tokenRoutes(options: TokenRoutesOptions = {}) {
 *   const { path, bodyLimit } = resolveTokenRoutesOptions(options, 'tokenRoutes', service.policy.ladder); // TypeError: tokenRoutes: path must start with "/"
 *   // …
 * }
 * ```
 */
export function resolveTokenRoutesOptions(options: TokenRoutesOptions = {}, where = 'tokenRoutes', ladder?: Ladder): ResolvedTokenRoutesOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options must be an object`);
  const path = options.path ?? '/v2/auth/token';
  const bodyLimit = options.bodyLimit ?? DEFAULT_TOKEN_BODY_LIMIT;
  if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError(`${where}: path must start with "/"`);
  if (!Number.isSafeInteger(bodyLimit) || bodyLimit <= 0) throw new TypeError(`${where}: bodyLimit must be a positive integer`);
  const revocationPath = optionalPath(where, 'revocationPath', options.revocationPath, '/v2/auth/revoke');
  const introspectionPath = optionalPath(where, 'introspectionPath', options.introspectionPath, '/v2/auth/introspect');
  const paths = [path, revocationPath, introspectionPath].filter((value) => value !== null);
  if (new Set(paths).size !== paths.length) throw new TypeError(`${where}: path, revocationPath and introspectionPath must differ`);
  const introspection = resolveIntrospection(where, options.introspection, ladder);
  return { path, bodyLimit, revocationPath, introspectionPath, introspection };
}
