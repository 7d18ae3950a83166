import { strykerConfig } from './base.config.mjs';

// The security-critical files of @scopeladder/tokens: authentication, rotation, session ends,
// password confirmation, our claim checks, the Authorization header, the memory store,
// throttling, guards, and the shared HTTP layer the adapters use (body reading, error translation).
export default strykerConfig('tokens', [
  'packages/tokens/src/operations/authenticate.ts',
  'packages/tokens/src/operations/refresh.ts',
  'packages/tokens/src/operations/login.ts',
  'packages/tokens/src/operations/end-sessions-of-user.ts',
  'packages/tokens/src/operations/confirm-password.ts',
  'packages/tokens/src/lib/access-token.ts',
  'packages/tokens/src/lib/authorization-header.ts',
  'packages/tokens/src/lib/throttle.ts',
  'packages/tokens/src/lib/guard-decision.ts',
  'packages/tokens/src/lib/body-stream.ts',
  'packages/tokens/src/lib/json-depth.ts',
  'packages/tokens/src/lib/json-field-names.ts',
  'packages/tokens/src/create-memory-store.ts',
  'packages/tokens/src/http/read-json-body.ts',
  'packages/tokens/src/http/read-body.ts',
  'packages/tokens/src/http/to-scopeladder-error.ts',
]);
