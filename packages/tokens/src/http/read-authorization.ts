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
    const values: string[] = [];
    for (let index = 0; index + 1 < raw.length; index += 2) {
      if (raw[index]?.toLowerCase() === 'authorization') values.push(raw[index + 1] ?? '');
    }
    if (values.length === 0) return undefined;
    return values.length === 1 ? values[0] : values;
  }
  return source.headers?.authorization;
}
