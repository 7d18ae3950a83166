// Public entry point of @scopeladder/express.
export { createExpressAuth } from './create-express-auth.js';
export type {
  ExpressAuth,
  ExpressAuthOptions,
  ExpressCommonOptions,
  ExpressResolvePrincipalOptions,
  ExpressServiceOptions,
  ExpressAuthorizeOptions,
  ExpressFieldsOption,
  ExpressJsonBodyOptions,
  ExpressTokenRoutesOptions,
  RequestAuth,
} from './types.js';
export type { DiscoveryOptions, ErrorBodyFormatter, ResolvePrincipal } from '@scopeladder/tokens/http';
