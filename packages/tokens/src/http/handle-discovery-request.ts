import type { AnyPolicy } from '../register.js';
import type { AuthService } from '../service-types.js';
import { handleJwksRequest, type DiscoveryAnswer } from './handle-jwks-request.js';
import { handleMetadataRequest } from './handle-metadata-request.js';
import type { ResolvedDiscoveryOptions } from './resolve-discovery-options.js';

/**
 * A request to the discovery routes, as an adapter hands it over.
 *
 * @example
 * ```ts
 * const request: DiscoveryRequest = { method: req.method, path: req.path };
 * ```
 */
export interface DiscoveryRequest {
  /** `GET` and `HEAD` are answered. */
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
}

/**
 * Answers the discovery routes: `GET` (or `HEAD`) of the JWKS, the RFC 8414 authorization-server
 * metadata or the RFC 9728 protected-resource metadata, at the paths {@link resolveDiscoveryOptions}
 * chose. Resolves `undefined` for any other path or method: not the routes', leave it to the
 * application. Every answer is public: it holds public keys and URLs only.
 *
 * @example
 * ```ts
 * import { handleDiscoveryRequest, resolveDiscoveryOptions } from '@scopeladder/tokens/http';
 *
 * const resolved = resolveDiscoveryOptions({ issuer: 'https://api.example.com' }, service);
 * const answer = await handleDiscoveryRequest(service, resolved, { method: req.method ?? 'GET', path: new URL(req.url ?? '/', 'http://x').pathname });
 * if (answer !== undefined) res.writeHead(answer.status, { ...answer.headers, 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
 * ```
 */
export async function handleDiscoveryRequest(
  service: AuthService<AnyPolicy>,
  resolved: ResolvedDiscoveryOptions,
  request: DiscoveryRequest,
): Promise<DiscoveryAnswer | undefined> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  const document = resolved.documents.get(request.path);
  if (document === undefined) return undefined;
  return document.kind === 'jwks' ? handleJwksRequest(service, resolved.cacheControl) : handleMetadataRequest(document.body, resolved.cacheControl);
}
