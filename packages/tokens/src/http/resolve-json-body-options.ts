/**
 * The default largest JSON request body, in bytes (100 KiB), both as sent and once decoded
 * from its `Content-Encoding`.
 *
 * @example
 * ```ts
 * const limit = options.limit ?? DEFAULT_JSON_BODY_LIMIT;
 * ```
 */
export const DEFAULT_JSON_BODY_LIMIT = 100 * 1024;

/**
 * The default deepest nesting of objects and arrays a JSON request body may have (64): far
 * above any real resource, far below what could exhaust a stack when the value is serialized
 * again.
 *
 * @example
 * ```ts
 * const maxDepth = options.maxDepth ?? DEFAULT_MAX_BODY_DEPTH;
 * ```
 */
export const DEFAULT_MAX_BODY_DEPTH = 64;

/**
 * Options of {@link readJsonBody}, and of each adapter's JSON body reader
 * (`auth.jsonBody(options)` on Express and Koa, the `jsonBody` plugin option on Fastify).
 *
 * @example
 * ```ts
 * const options: ReadJsonBodyOptions = { limit: 64 * 1024, maxDepth: 32 };
 * ```
 */
export interface ReadJsonBodyOptions {
  /**
   * Largest accepted body in bytes, a positive integer; applies to the bytes as sent and to
   * the decoded bytes of a compressed body. Default {@link DEFAULT_JSON_BODY_LIMIT} (100 KiB).
   */
  readonly limit?: number | undefined;
  /**
   * Deepest accepted nesting of objects and arrays (`{}` is 1), a positive integer. Default
   * {@link DEFAULT_MAX_BODY_DEPTH} (64).
   */
  readonly maxDepth?: number | undefined;
}

/**
 * {@link ReadJsonBodyOptions} with the defaults filled in.
 *
 * @example
 * ```ts
 * const { limit, maxDepth }: ResolvedJsonBodyOptions = resolveJsonBodyOptions({});
 * // { limit: 102400, maxDepth: 64 }
 * ```
 */
export interface ResolvedJsonBodyOptions {
  readonly limit: number;
  readonly maxDepth: number;
}

/**
 * Fills in the defaults of the JSON body options and refuses misuse with a `TypeError` naming
 * `where`: options that are not an object, a limit or depth that is not a positive integer.
 * Adapters call it where their reader is created, so a mistake fails at startup.
 *
 * @example
 * ```ts
 * import { resolveJsonBodyOptions } from '@scopeladder/tokens/http';
 *
 * function jsonBody(options: ReadJsonBodyOptions = {}) {
 *   const resolved = resolveJsonBodyOptions(options, 'jsonBody'); // TypeError: jsonBody: maxDepth must be a positive integer
 *   // …
 * }
 * ```
 */
export function resolveJsonBodyOptions(options: ReadJsonBodyOptions = {}, where = 'readJsonBody'): ResolvedJsonBodyOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options must be an object`);
  const limit = options.limit ?? DEFAULT_JSON_BODY_LIMIT;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_BODY_DEPTH;
  if (!Number.isSafeInteger(limit) || limit <= 0) throw new TypeError(`${where}: limit must be a positive integer`);
  if (!Number.isSafeInteger(maxDepth) || maxDepth <= 0) throw new TypeError(`${where}: maxDepth must be a positive integer`);
  return { limit, maxDepth };
}
