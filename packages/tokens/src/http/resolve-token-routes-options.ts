import { DEFAULT_TOKEN_BODY_LIMIT } from './read-body.js';

/**
 * Where an adapter mounts the token endpoint, and how large a body it takes. Each adapter
 * documents its own copy of these options (e.g. `ExpressTokenRoutesOptions`).
 *
 * @example
 * ```ts
 * const options: TokenRoutesOptions = { path: '/api/token', bodyLimit: 8 * 1024 };
 * ```
 */
export interface TokenRoutesOptions {
  /** The path of the token endpoint, starting with `/`. Default `/v2/auth/token`. */
  readonly path?: string | undefined;
  /** Largest accepted body in bytes, a positive integer. Default {@link DEFAULT_TOKEN_BODY_LIMIT} (16 KiB). */
  readonly bodyLimit?: number | undefined;
}

/**
 * {@link TokenRoutesOptions} with the defaults filled in.
 *
 * @example
 * ```ts
 * const { path, bodyLimit }: ResolvedTokenRoutesOptions = resolveTokenRoutesOptions({});
 * // { path: '/v2/auth/token', bodyLimit: 16384 }
 * ```
 */
export interface ResolvedTokenRoutesOptions {
  readonly path: string;
  readonly bodyLimit: number;
}

/**
 * Fills in the defaults of the token-endpoint options and refuses misuse with a `TypeError`
 * naming `where`: a path not starting with `/`, a body limit that is not a positive integer.
 *
 * @example
 * ```ts
 * import { resolveTokenRoutesOptions } from '@scopeladder/tokens/http';
 *
 * function tokenRoutes(options: TokenRoutesOptions = {}) {
 *   const { path, bodyLimit } = resolveTokenRoutesOptions(options, 'tokenRoutes'); // TypeError: tokenRoutes: path must start with "/"
 *   // …
 * }
 * ```
 */
export function resolveTokenRoutesOptions(options: TokenRoutesOptions = {}, where = 'tokenRoutes'): ResolvedTokenRoutesOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options must be an object`);
  const path = options.path ?? '/v2/auth/token';
  const bodyLimit = options.bodyLimit ?? DEFAULT_TOKEN_BODY_LIMIT;
  if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError(`${where}: path must start with "/"`);
  if (!Number.isSafeInteger(bodyLimit) || bodyLimit <= 0) throw new TypeError(`${where}: bodyLimit must be a positive integer`);
  return { path, bodyLimit };
}
