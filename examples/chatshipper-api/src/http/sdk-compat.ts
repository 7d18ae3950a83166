import type { ErrorBodyFormatter } from '@scopeladder/tokens/http';

/**
 * The messages ChatShipper's Node SDK (`chipchat`) recognizes: it refreshes its access token on a
 * 401 whose `error.message` matches `/jwt expired|invalid signature|invalid token/i` (the
 * messages of the `jsonwebtoken` library its API used).
 */
const SDK_MESSAGES: Readonly<Record<string, string>> = Object.freeze({
  ERR_TOKEN_EXPIRED: 'jwt expired',
  ERR_TOKEN_INVALID: 'invalid token',
});

/**
 * The adapters' `formatError` under `CLIENT_COMPAT=chatshipper-sdk`: error bodies as the SDK reads
 * them, `{ "error": { "code", "message" } }`, with its messages for expired and invalid tokens.
 * Token-endpoint errors of OAuth 2.0 requests (whose body holds RFC 6749 §5.2's `error` string)
 * keep core's body, so standard clients go on working in this mode. Status and headers stay core's.
 *
 * @example
 * ```ts
 * const auth = createExpressAuth({ service, formatError: formatSdkError });
 * // an expired token: 401 { "error": { "code": "ERR_TOKEN_EXPIRED", "message": "jwt expired" } }
 * ```
 */
export const formatSdkError: ErrorBodyFormatter = ({ body }) => {
  if (typeof body.error === 'string') return undefined;
  return { error: { code: body.code, message: SDK_MESSAGES[body.code] ?? body.message } };
};
