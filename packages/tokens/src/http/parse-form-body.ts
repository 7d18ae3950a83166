/**
 * Parses an `application/x-www-form-urlencoded` body into a prototype-free object. A field sent
 * several times becomes an array of its values (never "last one wins"), so a reader such as
 * {@link readTokenRequest} can refuse it instead of silently picking one.
 *
 * @example
 * ```ts
 * import { parseFormBody } from '@scopeladder/tokens/http';
 *
 * parseFormBody('refreshToken=a&refreshToken=b'); // { refreshToken: ['a', 'b'] }
 * ```
 */
export function parseFormBody(text: string): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of new URLSearchParams(text)) {
    const previous = form[key];
    // Appending in place: copying the array on every repeat would be quadratic in the body size.
    if (previous === undefined) form[key] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else form[key] = [previous, value];
  }
  return form;
}
