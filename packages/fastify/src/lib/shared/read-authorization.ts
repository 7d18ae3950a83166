// Shared by @scopeladder/express, @scopeladder/fastify and @scopeladder/koa (kept byte-identical by a test).

/** The part of a Node request this module reads: the raw header list, and the parsed headers as a fallback. */
export interface AuthorizationSource {
  readonly rawHeaders?: readonly string[] | undefined;
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>> | undefined;
}

/**
 * Every `Authorization` header of a request, exactly as sent: `undefined` when absent, the value
 * when sent once, and all values when sent several times. Node's `req.headers.authorization`
 * keeps only the first of duplicates, which would hide a smuggled second credential, so this
 * reads `rawHeaders`. Deciding what the values mean is the auth service's job.
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
