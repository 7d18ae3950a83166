/**
 * Whether a URL path's percent-encoding decodes: every `%` starts a `%XX` escape and the
 * escapes form valid UTF-8. A path without `%` is valid without further work. Adapters whose
 * router silently keeps an undecodable path (Koa's `@koa/router`) refuse it with this, so
 * `/v2/organizations/%zz` is `400 ERR_INVALID_REQUEST` on every framework, as Express's router
 * and Fastify's find-my-way decide.
 *
 * @example
 * ```ts
 * import { isPathEncodingValid } from '@scopeladder/tokens/http';
 *
 * isPathEncodingValid('/v2/contacts/caf%C3%A9'); // true
 * isPathEncodingValid('/v2/organizations/%zz'); // false
 * isPathEncodingValid('/v2/organizations/%ff'); // false: not UTF-8
 * ```
 */
export function isPathEncodingValid(path: string): boolean {
  if (!path.includes('%')) return true;
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}
