/**
 * The part of a Node request {@link readAuthorization} reads: the raw header list, and the
 * parsed headers as a fallback (for request objects built without `rawHeaders`).
 *
 * @example
 * ```ts
 * const source: AuthorizationSource = req; // an IncomingMessage, Express's req, Koa's ctx.req, Fastify's request.raw
 * ```
 */
export interface AuthorizationSource {
  readonly rawHeaders?: readonly string[] | undefined;
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>> | undefined;
}

const AUTHORIZATION = 'authorization';

/**
 * Every `Authorization` header of a request, exactly as sent: `undefined` when absent, the value
 * when sent once, and all values when sent several times. Node's `req.headers.authorization`
 * keeps only the first of duplicates, which would hide a smuggled second credential, so this
 * reads `rawHeaders`. Deciding what the values mean is the auth service's job: pass the result
 * to `AuthService#authenticate` unchanged.
 *
 * @example
 * ```ts
 * import { readAuthorization } from '@scopeladder/tokens/http';
 *
 * const auth = await service.authenticate(readAuthorization(req)); // req: an IncomingMessage
 * ```
 */
export function readAuthorization(source: AuthorizationSource): string | readonly string[] | undefined {
  const raw = source.rawHeaders;
  if (raw !== undefined && raw.length > 0) {
    let first: string | undefined;
    let values: string[] | undefined;
    for (let index = 0; index + 1 < raw.length; index += 2) {
      const name = raw[index];
      // The length first: most header names are not 13 characters long.
      if (name?.length !== AUTHORIZATION.length || name.toLowerCase() !== AUTHORIZATION) continue;
      const value = raw[index + 1] ?? '';
      if (first === undefined) first = value;
      else (values ??= [first]).push(value);
    }
    return values ?? first;
  }
  return source.headers?.authorization;
}
