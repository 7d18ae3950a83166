import type { AnyPolicy } from '../register.js';
import type { AuthService } from '../service-types.js';
import { checkAbsoluteUrl } from '../lib/absolute-url.js';

/**
 * The RFC 8414 authorization-server metadata an adapter serves at
 * `/.well-known/oauth-authorization-server`. Every endpoint URL defaults to the issuer followed
 * by the adapter's default path.
 *
 * @example
 * ```ts
 * const metadata: AuthorizationServerMetadataOptions = { introspectionEndpoint: 'https://api.example.com/oauth/introspect' };
 * ```
 */
export interface AuthorizationServerMetadataOptions {
  /** `token_endpoint`. Default `<issuer>/v2/auth/token`. */
  readonly tokenEndpoint?: string | undefined;
  /** `revocation_endpoint` (RFC 7009). Default `<issuer>/v2/auth/revoke`. */
  readonly revocationEndpoint?: string | undefined;
  /** `introspection_endpoint` (RFC 7662). Default `<issuer>/v2/auth/introspect`. */
  readonly introspectionEndpoint?: string | undefined;
  /** `grant_types_supported`. Default `['password', 'refresh_token']`. */
  readonly grantTypesSupported?: readonly string[] | undefined;
  /** `scopes_supported`. Default: the policy ladder's scopes, lowest first. */
  readonly scopesSupported?: readonly string[] | undefined;
}

/**
 * The RFC 9728 protected-resource metadata an adapter serves at
 * `/.well-known/oauth-protected-resource` (followed by the resource's path, RFC 9728 §3.1).
 *
 * @example
 * ```ts
 * const metadata: ProtectedResourceMetadataOptions = { resource: 'https://api.example.com' };
 * ```
 */
export interface ProtectedResourceMetadataOptions {
  /** `resource`: this API's resource identifier, an absolute https URL without query (required). */
  readonly resource: string;
  /** `authorization_servers`. Default `[issuer]`. */
  readonly authorizationServers?: readonly string[] | undefined;
  /** `scopes_supported`. Default: the policy ladder's scopes, lowest first. */
  readonly scopesSupported?: readonly string[] | undefined;
}

/**
 * Options of the adapters' discovery routes (`discoveryRoutes()` on Express and Koa, the
 * `discovery` option of the Fastify plugin). Validated when the routes are created: a
 * `TypeError` names a misused option. URLs are absolute `https:` URLs (`http:` only on a loopback
 * host, for development).
 *
 * @example
 * ```ts
 * const options: DiscoveryOptions = {
 *   issuer: 'https://api.example.com', // the service's `issuer` option, byte for byte
 *   protectedResource: { resource: 'https://api.example.com' },
 * };
 * ```
 */
export interface DiscoveryOptions {
  /**
   * The authorization server's issuer identifier: an absolute https URL without query or
   * fragment (RFC 8414 §2). Required. Make it the service's `issuer` option: verifiers compare
   * the tokens' `iss` with it.
   */
  readonly issuer: string;
  /** Where the JWKS is served, a path starting with `/`. Default `/.well-known/jwks.json`. */
  readonly jwksPath?: string | undefined;
  /** `Cache-Control: max-age` of every discovery answer, 0 to 86 400 seconds. Default 300. */
  readonly maxAge?: number | undefined;
  /** The RFC 8414 document; `false` leaves it out. Default: served, with its defaults. */
  readonly authorizationServer?: AuthorizationServerMetadataOptions | false | undefined;
  /** The RFC 9728 document; served only when given. */
  readonly protectedResource?: ProtectedResourceMetadataOptions | undefined;
}

/** One document the discovery routes serve: a fixed JSON body, or the service's JWKS. */
export type DiscoveryDocument = { readonly kind: 'jwks' } | { readonly kind: 'metadata'; readonly body: Readonly<Record<string, unknown>> };

/**
 * {@link DiscoveryOptions} checked and turned into what the handlers answer: each path with its
 * document.
 *
 * @example
 * ```ts
 * const { documents } = resolveDiscoveryOptions({ issuer: 'https://api.example.com' }, service);
 * [...documents.keys()]; // ['/.well-known/jwks.json', '/.well-known/oauth-authorization-server']
 * ```
 */
export interface ResolvedDiscoveryOptions {
  /** Path → document. */
  readonly documents: ReadonlyMap<string, DiscoveryDocument>;
  /** The `Cache-Control` value of every answer. */
  readonly cacheControl: string;
}

const MAX_LIST = 100;
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/;
const PROTECTED_RESOURCE_PATH = '/.well-known/oauth-protected-resource';

function withPath(base: string, path: string): string {
  return `${base.replace(/\/$/, '')}${path}`;
}

function checkList(name: string, value: unknown, check: (item: unknown, where: string) => string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LIST) {
    throw new TypeError(`${name} must be a non-empty array of at most ${MAX_LIST} entries`);
  }
  return value.map((item, index) => check(item, `${name}[${index}]`));
}

function checkToken(item: unknown, where: string): string {
  if (typeof item !== 'string' || !SCOPE_TOKEN.test(item)) throw new TypeError(`${where} must be 1 to 128 visible ASCII characters without " or \\`);
  return item;
}

function checkObject(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`${name} must be an object`);
  return value as Record<string, unknown>;
}

/**
 * Checks the discovery options against the service and builds the documents, once, when the
 * adapter creates its discovery routes. Misuse is a `TypeError` naming `where`: a missing or
 * non-https issuer, a malformed URL, an empty list, a path not starting with `/`, or a
 * protected-resource document whose URL is not the service's `resourceMetadataUrl` (the 401
 * challenges would point elsewhere).
 *
 * @example
 * ```ts
 * import { resolveDiscoveryOptions } from '@scopeladder/tokens/http';
 *
 * const resolved = resolveDiscoveryOptions({ issuer: 'https://api.example.com' }, service, 'discoveryRoutes');
 * ```
 */
export function resolveDiscoveryOptions(
  options: DiscoveryOptions,
  service: AuthService<AnyPolicy>,
  where = 'discoveryRoutes',
): ResolvedDiscoveryOptions {
  try {
    return resolve(options, service);
  } catch (error) {
    if (error instanceof TypeError) throw new TypeError(`${where}: ${error.message}`);
    throw error;
  }
}

function resolve(options: DiscoveryOptions, service: AuthService<AnyPolicy>): ResolvedDiscoveryOptions {
  const given = checkObject(options, 'options') as Partial<DiscoveryOptions>;
  const issuer = checkAbsoluteUrl('issuer', given.issuer, { noQuery: true });
  const jwksPath = given.jwksPath ?? '/.well-known/jwks.json';
  if (typeof jwksPath !== 'string' || !/^\/[\x21-\x7e]*$/.test(jwksPath)) throw new TypeError('jwksPath must be a path starting with "/"');
  const maxAge = given.maxAge ?? 300;
  if (!Number.isSafeInteger(maxAge) || maxAge < 0 || maxAge > 86_400) throw new TypeError('maxAge must be an integer from 0 to 86400 (seconds)');
  const ladderScopes = [...service.policy.ladder.scopes];
  const jwksUri = withPath(issuer, jwksPath);

  const documents = new Map<string, DiscoveryDocument>([[jwksPath, Object.freeze({ kind: 'jwks' as const })]]);

  if (given.authorizationServer !== false) {
    const server = checkObject(given.authorizationServer ?? {}, 'authorizationServer') as AuthorizationServerMetadataOptions;
    const url = (name: keyof AuthorizationServerMetadataOptions, path: string): string =>
      checkAbsoluteUrl(`authorizationServer.${name}`, server[name] ?? withPath(issuer, path));
    const body = {
      issuer,
      token_endpoint: url('tokenEndpoint', '/v2/auth/token'),
      jwks_uri: jwksUri,
      revocation_endpoint: url('revocationEndpoint', '/v2/auth/revoke'),
      introspection_endpoint: url('introspectionEndpoint', '/v2/auth/introspect'),
      grant_types_supported: checkList(
        'authorizationServer.grantTypesSupported',
        server.grantTypesSupported ?? ['password', 'refresh_token'],
        checkToken,
      ),
      scopes_supported: checkList('authorizationServer.scopesSupported', server.scopesSupported ?? ladderScopes, checkToken),
      // No authorization endpoint: no response type (RFC 8414 §2 lists the member as required).
      response_types_supported: [],
      token_endpoint_auth_methods_supported: ['none'],
    };
    // RFC 8414 §3: at the well-known path followed by the issuer's own path.
    const issuerPath = new URL(issuer).pathname.replace(/\/$/, '');
    documents.set(`/.well-known/oauth-authorization-server${issuerPath}`, deepFreeze({ kind: 'metadata' as const, body }));
  }

  if (given.protectedResource !== undefined) {
    const resourceOptions = checkObject(given.protectedResource, 'protectedResource') as Partial<ProtectedResourceMetadataOptions>;
    const resource = checkAbsoluteUrl('protectedResource.resource', resourceOptions.resource, { noQuery: true });
    const resourceUrl = new URL(resource);
    // RFC 9728 §3.1: the well-known path, then the resource's own path.
    const path = `${PROTECTED_RESOURCE_PATH}${resourceUrl.pathname.replace(/\/$/, '')}`;
    const documentUrl = `${resourceUrl.origin}${path}`;
    const announced = service.http.resourceMetadata;
    if (announced !== undefined && announced !== documentUrl) {
      throw new TypeError(
        `the service's resourceMetadataUrl (${announced}) is not where this protected-resource document is served (${documentUrl}): 401 challenges would point elsewhere`,
      );
    }
    const body = {
      resource,
      authorization_servers: checkList('protectedResource.authorizationServers', resourceOptions.authorizationServers ?? [issuer], (item, at) =>
        checkAbsoluteUrl(at, item, { noQuery: true }),
      ),
      jwks_uri: jwksUri,
      scopes_supported: checkList('protectedResource.scopesSupported', resourceOptions.scopesSupported ?? ladderScopes, checkToken),
      bearer_methods_supported: ['header'],
    };
    if (documents.has(path)) throw new TypeError(`two discovery documents at ${path}`);
    documents.set(path, deepFreeze({ kind: 'metadata' as const, body }));
  }
  return { documents, cacheControl: `public, max-age=${maxAge}` };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
