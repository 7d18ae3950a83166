const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;
// Visible ASCII without `"` and `\`: safe verbatim in JSON and in a quoted-string challenge.
const URL_CHARACTERS = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const MAX_URL_LENGTH = 2048;

/**
 * Checks an option that must be an absolute `https:` URL (`http:` only on a loopback host, for
 * development), without credentials or fragment (nor query, with `noQuery`), written with
 * visible ASCII only. Returns it unchanged (an issuer must be compared byte for byte); throws a
 * `TypeError` naming `name` otherwise.
 */
export function checkAbsoluteUrl(name: string, value: unknown, { noQuery = false }: { noQuery?: boolean } = {}): string {
  const problem = `${name} must be an absolute https URL (http only on localhost, 127.0.0.1 or [::1]) without credentials or fragment${noQuery ? ' or query' : ''}`;
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH || !URL_CHARACTERS.test(value)) throw new TypeError(problem);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(problem);
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname));
  if (!secure || url.username !== '' || url.password !== '' || value.includes('#') || (noQuery && value.includes('?'))) {
    throw new TypeError(problem);
  }
  return value;
}
