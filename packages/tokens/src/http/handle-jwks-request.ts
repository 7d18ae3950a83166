import type { AnyPolicy } from '../register.js';
import type { AuthService } from '../service-types.js';
import type { JsonWebKeySet } from '../lib/keys.js';

/**
 * A discovery answer: 200, its headers (lower-case names) and its JSON body.
 *
 * @example
 * ```ts
 * const answer: DiscoveryAnswer = { status: 200, headers: { 'cache-control': 'public, max-age=300' }, body: { keys: [] } };
 * ```
 */
export interface DiscoveryAnswer {
  readonly status: 200;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: JsonWebKeySet | Readonly<Record<string, unknown>>;
}

/**
 * Answers `GET /.well-known/jwks.json`: the service's public keys (`service.jwks()`, a fresh set
 * per request, so a new deployment's keys are served at once), cacheable for `cacheControl`.
 * Remote verifiers add that time to their own cache time: count it when rotating keys.
 *
 * @example
 * ```ts
 * import { handleJwksRequest } from '@scopeladder/tokens/http';
 *
 * const answer = await handleJwksRequest(service, 'public, max-age=300');
 * res.writeHead(answer.status, answer.headers).end(JSON.stringify(answer.body));
 * ```
 */
export async function handleJwksRequest(service: AuthService<AnyPolicy>, cacheControl: string): Promise<DiscoveryAnswer> {
  return { status: 200, headers: { 'cache-control': cacheControl }, body: await service.jwks() };
}
