// Public entry point of @scopeladder/fastify.
import { scopeladderPlugin } from './scopeladder-plugin.js';

export { scopeladderPlugin };
export default scopeladderPlugin;
export type {
  RequestAuth,
  ScopeladderFastifyDecorator,
  ScopeladderFastifyOptions,
  ScopeladderFieldsOption,
  ScopeladderGuardRequest,
  ScopeladderRouteConfig,
  ScopeladderRouteGuard,
  ScopeladderTokenRoutesOptions,
} from './types.js';
