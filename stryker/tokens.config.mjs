import { strykerConfig } from './base.config.mjs';

// The security-critical files of @scopeladder/tokens: authentication, rotation, our claim checks,
// the Authorization header, the memory store, throttling, and the shared HTTP layer the adapters use.
export default strykerConfig('tokens', [
  'packages/tokens/src/operations/authenticate.ts',
  'packages/tokens/src/operations/refresh.ts',
  'packages/tokens/src/lib/access-token.ts',
  'packages/tokens/src/lib/authorization-header.ts',
  'packages/tokens/src/create-memory-store.ts',
  'packages/tokens/src/lib/throttle.ts',
  'packages/tokens/src/http/to-scopeladder-error.ts',
  'packages/tokens/src/http/read-body.ts',
]);
