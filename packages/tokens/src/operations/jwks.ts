import type { ServiceContext } from '../lib/context.js';
import type { JsonWebKeySet } from '../lib/keys.js';

/**
 * `AuthService.jwks`: the public keys of an asymmetric key set as a JWKS (`kid`, `alg`,
 * `use: "sig"`), newest first; `{ keys: [] }` for HS256 (a shared secret is never published).
 */
export async function jwks(context: ServiceContext): Promise<JsonWebKeySet> {
  return { keys: context.tokens.keyRing.publicJwks.map((jwk) => ({ ...jwk })) };
}
