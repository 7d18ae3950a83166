// Public entry point of @scopeladder/tokens/http: the framework-independent HTTP pieces the
// adapters (@scopeladder/express, @scopeladder/fastify, @scopeladder/koa) are built from. For
// adapter authors; applications use an adapter. Types are exported explicitly with `export type`.
export { assertAdapterOptions } from './assert-adapter-options.js';
export type { AdapterOptions, ResolvePrincipal } from './assert-adapter-options.js';
export { assertBodyParsed } from './assert-body-parsed.js';
export { assertGuardSpec } from './assert-guard-spec.js';
export { attachListFilter } from './attach-list-filter.js';
export { attachResource } from './attach-resource.js';
export { decideGuard } from './decide-guard.js';
export { decidePrecheck } from './decide-precheck.js';
export type { FieldsOption, GuardOptions, GuardPolicy, GuardRoute, GuardSpec } from './guard-types.js';
export { handleDiscoveryRequest } from './handle-discovery-request.js';
export type { DiscoveryRequest } from './handle-discovery-request.js';
export { handleJwksRequest } from './handle-jwks-request.js';
export type { DiscoveryAnswer } from './handle-jwks-request.js';
export { handleMetadataRequest } from './handle-metadata-request.js';
export { handleIntrospectionRequest } from './handle-introspection-request.js';
export type { IntrospectionResponse } from './handle-introspection-request.js';
export { handleRevocationRequest } from './handle-revocation-request.js';
export { handleTokenRequest } from './handle-token-request.js';
export type { TokenEndpointAnswer, TokenEndpointRequest } from './handle-token-request.js';
export { parseFormBody } from './parse-form-body.js';
export { isPathEncodingValid } from './is-path-encoding-valid.js';
export { isPrecheckComplete } from './is-precheck-complete.js';
export { precheckGuard } from './precheck-guard.js';
export { readAuthorization } from './read-authorization.js';
export type { AuthorizationSource } from './read-authorization.js';
export { DEFAULT_TOKEN_BODY_LIMIT, hasUnreadBody, readBody } from './read-body.js';
export type { ReadBodyOptions } from './read-body.js';
export { readJsonBody } from './read-json-body.js';
export { DEFAULT_JSON_BODY_LIMIT, DEFAULT_MAX_BODY_DEPTH, resolveJsonBodyOptions } from './resolve-json-body-options.js';
export type { ReadJsonBodyOptions, ResolvedJsonBodyOptions } from './resolve-json-body-options.js';
export { readRefreshToken } from './read-refresh-token.js';
export { readTokenRequest } from './read-token-request.js';
export type { TokenRequest } from './read-token-request.js';
export { resolveAdapterAuth } from './resolve-adapter-auth.js';
export type { AdapterAuth } from './resolve-adapter-auth.js';
export { resolveDiscoveryOptions } from './resolve-discovery-options.js';
export type {
  AuthorizationServerMetadataOptions,
  DiscoveryDocument,
  DiscoveryOptions,
  ProtectedResourceMetadataOptions,
  ResolvedDiscoveryOptions,
} from './resolve-discovery-options.js';
export { resolveErrorAnswer } from './resolve-error-answer.js';
export type { ErrorAnswer, ErrorBodyFormatter, ResolveErrorAnswerOptions } from './resolve-error-answer.js';
export { resolveHttpError } from './resolve-http-error.js';
export { resolveTokenRoutesOptions } from './resolve-token-routes-options.js';
export type {
  IntrospectionAccessOptions,
  ResolvedIntrospectionAccess,
  ResolvedTokenRoutesOptions,
  TokenRoutesOptions,
} from './resolve-token-routes-options.js';
export { routeTokenRequest } from './route-token-request.js';
export { runGuard } from './run-guard.js';
export { toScopeladderError } from './to-scopeladder-error.js';
