import type { DiscoveryAnswer } from './handle-jwks-request.js';

/**
 * Answers a metadata document: the RFC 8414 authorization-server metadata or the RFC 9728
 * protected-resource metadata, as {@link resolveDiscoveryOptions} built it (fixed at startup).
 *
 * @example
 * ```ts
 * import { handleMetadataRequest, resolveDiscoveryOptions } from '@scopeladder/tokens/http';
 *
 * const { documents, cacheControl } = resolveDiscoveryOptions({ issuer: 'https://api.example.com' }, service);
 * const document = documents.get('/.well-known/oauth-authorization-server');
 * if (document?.kind === 'metadata') {
 *   const answer = handleMetadataRequest(document.body, cacheControl);
 * }
 * ```
 */
export function handleMetadataRequest(body: Readonly<Record<string, unknown>>, cacheControl: string): DiscoveryAnswer {
  return { status: 200, headers: { 'cache-control': cacheControl }, body };
}
