// Public entry point of @scopeladder/express.
export { createExpressAuth } from './create-express-auth.js';
export type {
  ExpressAuth,
  ExpressAuthOptions,
  ExpressAuthorizeOptions,
  ExpressFieldsOption,
  ExpressJsonBodyOptions,
  ExpressTokenRoutesOptions,
  RequestAuth,
} from './types.js';
export type { DiscoveryOptions, ErrorBodyFormatter } from '@scopeladder/tokens/http';
