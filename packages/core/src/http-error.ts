import { isScopeladderError, type DenialContext, type ErrorCode } from './errors.js';

/** The RFC 6750 §3.1 error values a `WWW-Authenticate: Bearer` challenge may carry. */
export type BearerErrorValue = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/**
 * The `error` values of an OAuth 2.0 error body: RFC 6749 §5.2's, RFC 6750 §3.1's, and
 * `temporarily_unavailable` / `server_error` (RFC 6749 §4.1.2.1) for 503 and 500.
 */
export type OAuthErrorValue =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'temporarily_unavailable'
  | 'server_error';

/** One row of {@link OAUTH_ERROR_TABLE}. */
export interface OAuthErrorRule {
  /** The HTTP status of the answer at an OAuth 2.0 endpoint (errors raised with `endpoint: 'oauth'`). */
  readonly status: number;
  /** The `error` member of the body (RFC 6749 §5.2). */
  readonly error: OAuthErrorValue;
}

/** One row of {@link HTTP_ERROR_TABLE}. */
export interface HttpErrorRule {
  /** The HTTP status. */
  readonly status: number;
  /** Whether the answer carries a `WWW-Authenticate` challenge (`Bearer`, unless `scheme` says otherwise). */
  readonly challenge: boolean;
  /**
   * The challenge's scheme when it is not `Bearer`: `Basic` for client authentication (RFC 6749
   * §5.2: the challenge matches the scheme the client used).
   */
  readonly scheme?: 'Basic';
  /** The RFC 6750 `error` attribute of the challenge, if any. */
  readonly bearerError?: BearerErrorValue;
  /** A fixed, safe human description (also the challenge's `error_description`). */
  readonly description: string;
}

/**
 * The single table from error code to HTTP answer. Adapters translate through
 * {@link httpErrorFor}; nothing else in scopeladder chooses a status.
 *
 * `ERR_TOKEN_EXPIRED` answers 403 by default, the documented ChatShipper behaviour; pass
 * `expiredTokenStatus: 401` to {@link httpErrorFor} for the RFC 6750 answer.
 */
export const HTTP_ERROR_TABLE: { readonly [C in ErrorCode]: HttpErrorRule } = Object.freeze({
  ERR_AUTH_REQUIRED: { status: 401, challenge: true, description: 'Authentication required' },
  ERR_AUTH_SCHEME: { status: 401, challenge: true, description: 'Use the Bearer authentication scheme' },
  ERR_AUTH_MALFORMED: {
    status: 400,
    challenge: true,
    bearerError: 'invalid_request',
    description: 'Malformed Authorization header',
  },
  ERR_TOKEN_INVALID: { status: 401, challenge: true, bearerError: 'invalid_token', description: 'Invalid access token' },
  ERR_TOKEN_EXPIRED: { status: 403, challenge: true, bearerError: 'invalid_token', description: 'The access token expired' },
  ERR_TOKEN_REVOKED: { status: 401, challenge: true, bearerError: 'invalid_token', description: 'The access token was revoked' },
  ERR_API_KEY_INVALID: { status: 401, challenge: true, bearerError: 'invalid_token', description: 'Invalid API key' },
  ERR_REFRESH_INVALID: { status: 401, challenge: true, bearerError: 'invalid_token', description: 'Invalid refresh token' },
  ERR_REFRESH_REUSED: {
    status: 401,
    challenge: true,
    bearerError: 'invalid_token',
    description: 'Refresh token reuse detected; the session was revoked',
  },
  ERR_INVALID_CREDENTIALS: { status: 401, challenge: true, description: 'Invalid email or password' },
  ERR_CURRENT_PASSWORD_INVALID: { status: 403, challenge: false, description: 'The current password is missing or wrong' },
  ERR_LOGIN_THROTTLED: { status: 429, challenge: false, description: 'Too many failed login attempts' },
  ERR_UNSUPPORTED_GRANT_TYPE: { status: 400, challenge: false, description: 'Unsupported grant type' },
  ERR_CLIENT_INVALID: { status: 401, challenge: true, scheme: 'Basic', description: 'Client authentication failed' },
  ERR_INSUFFICIENT_SCOPE: {
    status: 403,
    challenge: true,
    bearerError: 'insufficient_scope',
    description: 'Permission denied: a higher scope is required',
  },
  ERR_FORBIDDEN: { status: 403, challenge: false, description: 'Permission denied' },
  ERR_SCOPE_MALFORMED: { status: 400, challenge: false, description: 'Malformed scope' },
  ERR_SCOPE_NOT_ALLOWED: { status: 400, challenge: false, description: 'Scope not allowed for this principal' },
  ERR_INVALID_REQUEST: { status: 400, challenge: false, description: 'Invalid request' },
  ERR_BODY_TOO_DEEP: { status: 400, challenge: false, description: 'Request body nested too deeply' },
  ERR_FIELD_NAME_INVALID: { status: 400, challenge: false, description: 'Invalid field name' },
  ERR_PAYLOAD_TOO_LARGE: { status: 413, challenge: false, description: 'Request body too large' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, challenge: false, description: 'Unsupported media type' },
  ERR_NOT_FOUND: { status: 404, challenge: false, description: 'Not found' },
  ERR_CONFLICT: { status: 409, challenge: false, description: 'Conflict with the current state of the resource' },
  ERR_STORE_UNAVAILABLE: { status: 503, challenge: false, description: 'Authentication temporarily unavailable' },
  ERR_INTERNAL: { status: 500, challenge: false, description: 'Internal error' },
});

/**
 * The answers at OAuth 2.0 endpoints: for each code, the RFC 6749 §5.2 `error` of the body and,
 * for errors raised with `endpoint: 'oauth'` (a request in the RFC's own form), the status. A
 * refused grant — wrong credentials, an unknown, expired, revoked or replayed refresh token — is
 * `400 invalid_grant`; a scope the session does not hold `400 invalid_scope`. Errors raised with
 * `endpoint: 'token'` (ChatShipper's forms of the token endpoint) keep {@link HTTP_ERROR_TABLE}'s
 * status and gain the same `error`. Limits of the transport (413, 415), throttling (429 with
 * `Retry-After`) and failures (500, 503) keep their status everywhere.
 */
export const OAUTH_ERROR_TABLE: { readonly [C in ErrorCode]: OAuthErrorRule } = Object.freeze({
  ERR_AUTH_REQUIRED: { status: 401, error: 'invalid_request' },
  ERR_AUTH_SCHEME: { status: 401, error: 'invalid_request' },
  ERR_AUTH_MALFORMED: { status: 400, error: 'invalid_request' },
  ERR_TOKEN_INVALID: { status: 401, error: 'invalid_token' },
  ERR_TOKEN_EXPIRED: { status: 401, error: 'invalid_token' },
  ERR_TOKEN_REVOKED: { status: 401, error: 'invalid_token' },
  ERR_API_KEY_INVALID: { status: 401, error: 'invalid_token' },
  ERR_REFRESH_INVALID: { status: 400, error: 'invalid_grant' },
  ERR_REFRESH_REUSED: { status: 400, error: 'invalid_grant' },
  ERR_INVALID_CREDENTIALS: { status: 400, error: 'invalid_grant' },
  ERR_CURRENT_PASSWORD_INVALID: { status: 400, error: 'invalid_grant' },
  ERR_LOGIN_THROTTLED: { status: 429, error: 'invalid_grant' },
  ERR_UNSUPPORTED_GRANT_TYPE: { status: 400, error: 'unsupported_grant_type' },
  ERR_CLIENT_INVALID: { status: 401, error: 'invalid_client' },
  ERR_INSUFFICIENT_SCOPE: { status: 403, error: 'insufficient_scope' },
  ERR_FORBIDDEN: { status: 403, error: 'access_denied' },
  ERR_SCOPE_MALFORMED: { status: 400, error: 'invalid_scope' },
  ERR_SCOPE_NOT_ALLOWED: { status: 400, error: 'invalid_scope' },
  ERR_INVALID_REQUEST: { status: 400, error: 'invalid_request' },
  ERR_BODY_TOO_DEEP: { status: 400, error: 'invalid_request' },
  ERR_FIELD_NAME_INVALID: { status: 400, error: 'invalid_request' },
  ERR_PAYLOAD_TOO_LARGE: { status: 413, error: 'invalid_request' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, error: 'invalid_request' },
  ERR_NOT_FOUND: { status: 404, error: 'invalid_request' },
  ERR_CONFLICT: { status: 409, error: 'invalid_request' },
  ERR_STORE_UNAVAILABLE: { status: 503, error: 'temporarily_unavailable' },
  ERR_INTERNAL: { status: 500, error: 'server_error' },
});

/** Options of {@link httpErrorFor}. */
export interface HttpErrorOptions {
  /** The `realm` of `WWW-Authenticate` challenges. Default `"scopeladder"`. */
  readonly realm?: string | undefined;
  /** The status of `ERR_TOKEN_EXPIRED`: 403 (ChatShipper, default) or 401 (RFC 6750). */
  readonly expiredTokenStatus?: 401 | 403 | undefined;
  /**
   * The URL of the RFC 9728 protected-resource metadata document: when set, every 401 challenge
   * carries `resource_metadata="<url>"` (RFC 9728 §5.1; what MCP clients look for).
   */
  readonly resourceMetadata?: string | undefined;
}

/** The JSON body of an error answer. Never holds a stack, a token or a secret. */
export interface HttpErrorBody {
  readonly code: ErrorCode;
  readonly message: string;
  readonly requiredScope?: string | null;
  readonly denial?: DenialContext;
  readonly retryAfter?: number;
  /** At OAuth 2.0 endpoints only: the RFC 6749 §5.2 error (see {@link OAUTH_ERROR_TABLE}). */
  readonly error?: OAuthErrorValue;
  /** With `error`: the human description, in RFC 6749's character set (printable ASCII but `"` and `\\`). */
  readonly error_description?: string;
}

/** The HTTP answer for an error: what an adapter writes, verbatim. */
export interface HttpErrorResult {
  readonly status: number;
  /** Lower-case header names: `www-authenticate`, `retry-after`, `cache-control`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: HttpErrorBody;
}

// RFC 6750 §3: error_description = 1*( %x20-21 / %x23-5B / %x5D-7E ). Same set is safe inside
// an RFC 9110 quoted-string without escapes; anything else is dropped.
const DESCRIPTION_UNSAFE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;
// realm is an RFC 9110 quoted-string: escape backslash and double quote, drop controls.
function quote(value: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${value.replace(/[\x00-\x1f\x7f]/g, '').replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
// scope attribute: RFC 6749 scope-tokens separated by single spaces; never needs escapes.
const SCOPE_SAFE = /^[\x21\x23-\x5b\x5d-\x7e]+(?: [\x21\x23-\x5b\x5d-\x7e]+)*$/;

// RFC 6749 §5.2 error_description: the message in the allowed character set, else the table's.
function describe(message: string, fallback: string): string {
  const safe = message.replace(DESCRIPTION_UNSAFE, '').trim();
  return safe === '' ? fallback : safe;
}

/**
 * Builds the RFC 6750 `WWW-Authenticate` value, with correct quoting.
 *
 * @example
 * ```ts
 * formatBearerChallenge({ realm: 'api', error: 'insufficient_scope', scope: 'bot' });
 * // 'Bearer realm="api", error="insufficient_scope", error_description="…", scope="bot"'
 * formatBearerChallenge({ realm: 'api', resourceMetadata: 'https://api.example.com/.well-known/oauth-protected-resource' });
 * // 'Bearer realm="api", resource_metadata="https://api.example.com/.well-known/oauth-protected-resource"'
 * ```
 */
export function formatBearerChallenge(params: {
  realm: string;
  error?: BearerErrorValue | undefined;
  description?: string | undefined;
  scope?: string | null | undefined;
  /** RFC 9728 §5.1: the URL of the protected-resource metadata. */
  resourceMetadata?: string | undefined;
}): string {
  const parts = [`realm=${quote(params.realm)}`];
  if (params.error) {
    parts.push(`error="${params.error}"`);
    const description = params.description?.replace(DESCRIPTION_UNSAFE, '');
    if (description) parts.push(`error_description="${description}"`);
    if (params.scope && SCOPE_SAFE.test(params.scope)) parts.push(`scope="${params.scope}"`);
  }
  if (params.resourceMetadata) parts.push(`resource_metadata=${quote(params.resourceMetadata)}`);
  return `Bearer ${parts.join(', ')}`;
}

/**
 * Maps any error to the HTTP answer scopeladder gives for it. A {@link ScopeladderError} is
 * answered from {@link HTTP_ERROR_TABLE}; anything else is an `ERR_INTERNAL` 500 whose body says
 * nothing about the cause. An error raised at an OAuth 2.0 endpoint (its `endpoint` set) is
 * answered after {@link OAUTH_ERROR_TABLE}: its body also carries `error` and `error_description`,
 * and for `endpoint: 'oauth'` the status is that table's (RFC 6749 §5.2), without a
 * `WWW-Authenticate` challenge unless the status is 401 or the one of {@link HTTP_ERROR_TABLE}.
 *
 * @example
 * ```ts
 * import { httpErrorFor } from '@scopeladder/core';
 *
 * const { status, headers, body } = httpErrorFor(error, { realm: 'chatshipper' });
 * res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(body));
 * ```
 */
export function httpErrorFor(error: unknown, options: HttpErrorOptions = {}): HttpErrorResult {
  const realm = options.realm ?? 'scopeladder';
  if (!isScopeladderError(error)) {
    const rule = HTTP_ERROR_TABLE.ERR_INTERNAL;
    return {
      status: rule.status,
      headers: { 'cache-control': 'no-store' },
      body: { code: 'ERR_INTERNAL', message: rule.description },
    };
  }
  const rule = HTTP_ERROR_TABLE[error.code];
  const usual = error.code === 'ERR_TOKEN_EXPIRED' && options.expiredTokenStatus !== undefined ? options.expiredTokenStatus : rule.status;
  const oauth = error.endpoint === undefined ? undefined : OAUTH_ERROR_TABLE[error.code];
  const status = error.endpoint === 'oauth' && oauth !== undefined ? oauth.status : usual;
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  const requiredScope = error.denial?.requiredScope;
  if (rule.challenge && rule.scheme === 'Basic') {
    headers['www-authenticate'] = `Basic realm=${quote(realm)}`;
  } else if (rule.challenge && (status === usual || status === 401)) {
    headers['www-authenticate'] = formatBearerChallenge({
      realm,
      error: rule.bearerError,
      description: rule.description,
      scope: requiredScope,
      resourceMetadata: status === 401 ? options.resourceMetadata : undefined,
    });
  }
  if (error.retryAfter !== undefined) headers['retry-after'] = String(Math.max(0, Math.ceil(error.retryAfter)));
  const body: HttpErrorBody = {
    code: error.code,
    message: error.message || rule.description,
    ...(error.denial ? { requiredScope: error.denial.requiredScope, denial: error.denial } : {}),
    ...(error.retryAfter === undefined ? {} : { retryAfter: Math.max(0, Math.ceil(error.retryAfter)) }),
    ...(oauth === undefined ? {} : { error: oauth.error, error_description: describe(error.message, rule.description) }),
  };
  return { status, headers, body };
}
