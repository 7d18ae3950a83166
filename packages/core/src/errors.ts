/**
 * Every stable error code scopeladder produces. Codes never change meaning once published; the
 * HTTP answer for each lives in one table ({@link httpErrorFor}), so no adapter picks a status.
 *
 * | code | when |
 * |---|---|
 * | `ERR_AUTH_REQUIRED` | no `Authorization` header |
 * | `ERR_AUTH_SCHEME` | a scheme other than `Bearer` |
 * | `ERR_AUTH_MALFORMED` | `Bearer` with no token, extra parts, double spaces, several headers |
 * | `ERR_TOKEN_INVALID` | bad signature, `alg: none`, malformed or oversized JWT, wrong `typ`/`iss`/`aud`, `nbf` in the future |
 * | `ERR_TOKEN_EXPIRED` | the access token's `exp` has passed (beyond the clock tolerance) |
 * | `ERR_TOKEN_REVOKED` | the access token was revoked (logout, refresh reuse, its user's sessions ended by `endSessionsOfUser`) |
 * | `ERR_API_KEY_INVALID` | unknown, malformed or revoked bot API key |
 * | `ERR_REFRESH_INVALID` | unknown, malformed, expired or revoked refresh token |
 * | `ERR_REFRESH_REUSED` | a rotated refresh token was presented again: its whole family is revoked |
 * | `ERR_INVALID_CREDENTIALS` | login with an unknown email or a wrong password (indistinguishable) |
 * | `ERR_CURRENT_PASSWORD_INVALID` | a password change whose current password is missing or wrong (counts as a failed login) |
 * | `ERR_LOGIN_THROTTLED` | too many failed logins; `retryAfter` says when to try again |
 * | `ERR_CLIENT_INVALID` | wrong or unknown client credentials (HTTP Basic) at an OAuth 2.0 endpoint that takes them (introspection) |
 * | `ERR_UNSUPPORTED_GRANT_TYPE` | an RFC 6749 token request whose `grant_type` the token endpoint does not offer |
 * | `ERR_INSUFFICIENT_SCOPE` | authenticated, but a higher scope is required for this action |
 * | `ERR_FORBIDDEN` | authenticated, and no scope of the ladder allows this action |
 * | `ERR_SCOPE_MALFORMED` | a scope value does not follow the RFC 6749 §3.3 grammar |
 * | `ERR_SCOPE_NOT_ALLOWED` | an API key asked for a scope above its bot's role (or `admin`) |
 * | `ERR_INVALID_REQUEST` | a request body or parameter is missing or malformed |
 * | `ERR_BODY_TOO_DEEP` | a JSON body nests objects and arrays deeper than the limit set for it |
 * | `ERR_FIELD_NAME_INVALID` | a body field name has a control character, or is confusable with a protected field |
 * | `ERR_PAYLOAD_TOO_LARGE` | a request body is larger than the limit set for it |
 * | `ERR_UNSUPPORTED_MEDIA_TYPE` | a body whose media type, charset or `Content-Encoding` is not accepted |
 * | `ERR_NOT_FOUND` | allowed, but no such resource |
 * | `ERR_CONFLICT` | allowed, but the resource's state forbids it now (e.g. deleting an organization that has sub-organizations) |
 * | `ERR_STORE_UNAVAILABLE` | the token store cannot be reached: fail closed |
 * | `ERR_INTERNAL` | anything unexpected; the message never carries details |
 */
export const ERROR_CODES = [
  'ERR_AUTH_REQUIRED',
  'ERR_AUTH_SCHEME',
  'ERR_AUTH_MALFORMED',
  'ERR_TOKEN_INVALID',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_REVOKED',
  'ERR_API_KEY_INVALID',
  'ERR_REFRESH_INVALID',
  'ERR_REFRESH_REUSED',
  'ERR_INVALID_CREDENTIALS',
  'ERR_CURRENT_PASSWORD_INVALID',
  'ERR_LOGIN_THROTTLED',
  'ERR_UNSUPPORTED_GRANT_TYPE',
  'ERR_CLIENT_INVALID',
  'ERR_INSUFFICIENT_SCOPE',
  'ERR_FORBIDDEN',
  'ERR_SCOPE_MALFORMED',
  'ERR_SCOPE_NOT_ALLOWED',
  'ERR_INVALID_REQUEST',
  'ERR_BODY_TOO_DEEP',
  'ERR_FIELD_NAME_INVALID',
  'ERR_PAYLOAD_TOO_LARGE',
  'ERR_UNSUPPORTED_MEDIA_TYPE',
  'ERR_NOT_FOUND',
  'ERR_CONFLICT',
  'ERR_STORE_UNAVAILABLE',
  'ERR_INTERNAL',
] as const;

/** The union of every stable error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * What a denial was about. Attached to `ERR_INSUFFICIENT_SCOPE` and `ERR_FORBIDDEN` errors so a
 * caller (or a log line) can say exactly which check failed.
 */
export interface DenialContext {
  /** The action that was checked, e.g. `"update"`. */
  readonly action: string;
  /** The subject type that was checked, e.g. `"User"`. */
  readonly subject: string;
  /** The field that was checked, when the check named one. */
  readonly field?: string | undefined;
  /** The lowest scope that would allow it, or `null` when no scope would. */
  readonly requiredScope: string | null;
  /** A reason code from `explain()`, e.g. `"insufficient_scope"` or `"not_self"`. */
  readonly reason: string;
}

/**
 * Where an error arose, when its HTTP answer depends on it (see core's `httpErrorFor`):
 *
 * - `'oauth'`: at an OAuth 2.0 endpoint, for a request in the RFC's own form (an RFC 6749
 *   `grant_type` request, RFC 7009 revocation): the RFC 6749 §5.2 answer (`400` with `error`
 *   `invalid_grant`, `invalid_request`, …).
 * - `'token'`: at the token endpoint, for a request in ChatShipper's forms: the usual status
 *   (`401 ERR_INVALID_CREDENTIALS`, …), the body gains the same `error` and `error_description`.
 */
export type ErrorEndpoint = 'oauth' | 'token';

/** Options of {@link ScopeladderError}. */
export interface ScopeladderErrorOptions {
  /** The denial context, for `ERR_INSUFFICIENT_SCOPE` and `ERR_FORBIDDEN`. */
  readonly denial?: DenialContext | undefined;
  /** Seconds after which a retry may succeed (`ERR_LOGIN_THROTTLED`, `ERR_STORE_UNAVAILABLE`). */
  readonly retryAfter?: number | undefined;
  /** The underlying error. Kept for debugging; never serialised into an HTTP answer. */
  readonly cause?: unknown;
  /** Where the error arose, when that shapes its HTTP answer (see {@link ErrorEndpoint}). */
  readonly endpoint?: ErrorEndpoint | undefined;
}

/**
 * The one error class of scopeladder. Every failure the library reports is an instance with a
 * stable {@link ErrorCode}; messages are for humans and never contain a token, key or password.
 *
 * @example
 * ```ts
 * import { ScopeladderError, isScopeladderError } from '@scopeladder/core';
 *
 * try {
 *   await auth.authenticate(header);
 * } catch (error) {
 *   if (isScopeladderError(error) && error.code === 'ERR_TOKEN_EXPIRED') {
 *     // ask the client to refresh
 *   }
 * }
 * ```
 */
export class ScopeladderError extends Error {
  /** The stable machine-readable code. */
  readonly code: ErrorCode;
  /** On denials: what was checked and which scope would allow it. */
  readonly denial: DenialContext | undefined;
  /** Seconds after which a retry may succeed, when known. */
  readonly retryAfter: number | undefined;
  /** Where the error arose, when that shapes its HTTP answer (see {@link ErrorEndpoint}). */
  readonly endpoint: ErrorEndpoint | undefined;

  constructor(code: ErrorCode, message: string, options: ScopeladderErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ScopeladderError';
    this.code = code;
    this.denial = options.denial;
    this.retryAfter = options.retryAfter;
    this.endpoint = options.endpoint;
  }

  /** A JSON form safe to send to clients: code, message and, on denials, the context. */
  toJSON(): { code: ErrorCode; message: string; denial?: DenialContext; retryAfter?: number } {
    return {
      code: this.code,
      message: this.message,
      ...(this.denial ? { denial: this.denial } : {}),
      ...(this.retryAfter === undefined ? {} : { retryAfter: this.retryAfter }),
    };
  }
}

/**
 * Whether `value` is a {@link ScopeladderError}. Works across duplicated installs of the package
 * (it checks the brand, not only the prototype chain).
 *
 * @example
 * ```ts
 * if (isScopeladderError(error)) console.log(error.code);
 * ```
 */
export function isScopeladderError(value: unknown): value is ScopeladderError {
  if (value instanceof ScopeladderError) return true;
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'ScopeladderError' &&
    typeof (value as { code?: unknown }).code === 'string' &&
    (ERROR_CODES as readonly string[]).includes((value as { code: string }).code)
  );
}
