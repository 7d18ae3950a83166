// Public entry point of @scopeladder/fastify.
import { scopeladderPlugin } from './scopeladder-plugin.js';

export { answerFrameworkError } from './answer-framework-error.js';
export { scopeladderPlugin };
export default scopeladderPlugin;
export type {
  RequestAuth,
  ScopeladderFastifyDecorator,
  ScopeladderFastifyCommonOptions,
  ScopeladderFastifyOptions,
  ScopeladderFastifyResolvePrincipalOptions,
  ScopeladderFastifyServiceOptions,
  ScopeladderFieldsOption,
  ScopeladderGuardRequest,
  ScopeladderJsonBodyOptions,
  ScopeladderRouteConfig,
  ScopeladderRouteGuard,
  ScopeladderTokenRoutesOptions,
} from './types.js';
export type { DiscoveryOptions, ErrorBodyFormatter, ResolvePrincipal } from '@scopeladder/tokens/http';
