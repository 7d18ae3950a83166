import type { ServiceContext } from '../lib/context.js';

/**
 * `AuthService.jwks`: the public keys of an asymmetric key set as a JWKS (`kid`, `alg`,
 * `use: "sig"`), newest first; `{ keys: [] }` for HS256 (a shared secret is never published).
 */
export async function jwks(context: ServiceContext): Promise<{ keys: readonly Record<string, unknown>[] }> {
  return { keys: context.tokens.keyRing.publicJwks.map((jwk) => ({ ...jwk })) };
}
