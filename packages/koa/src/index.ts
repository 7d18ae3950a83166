// Public entry point of @scopeladder/koa.
export { createKoaAuth } from './create-koa-auth.js';
export type {
  KoaAuth,
  KoaAuthOptions,
  KoaCommonOptions,
  KoaResolvePrincipalOptions,
  KoaServiceOptions,
  KoaAuthorizeOptions,
  KoaFieldsOption,
  KoaGuardContext,
  KoaJsonBodyOptions,
  KoaTokenRoutesOptions,
  RequestAuth,
} from './types.js';
export type { DiscoveryOptions, ErrorBodyFormatter, ResolvePrincipal } from '@scopeladder/tokens/http';
