import { strykerConfig } from './base.config.mjs';

// The security-critical files of @scopeladder/tokens: every file whose mutants change who gets in,
// for how long, in which organization, or what input reaches the policy. In scope: authentication,
// rotation, scope narrowing (a session never holds more than its role), session ends, password confirmation, our claim checks beyond jose's, the Authorization
// header, login throttling, the organization a session acts in, the memory store (revocations,
// throttle counters), guards, and the shared HTTP layer the adapters use (bounded body reading,
// JSON depth and field-name checks, error translation, the introspection endpoint's caller check).
// Not in scope: the Redis and PostgreSQL stores (stryker/redis.config.mjs, stryker/postgres.config.mjs),
// the diagnostics publishers (what is reported, not who gets in; the no-secret watch over the
// conformance suite covers what they may carry), types, barrels, test fixtures.
// The tokens tests include the store contract suite's run on the memory store (test/store-contract).
// Equivalent mutants (no observable behaviour change) are listed with their justification in
// docs/testing.md.
export default strykerConfig('tokens', [
  'packages/tokens/src/operations/authenticate.ts',
  'packages/tokens/src/operations/refresh.ts',
  'packages/tokens/src/operations/login.ts',
  'packages/tokens/src/operations/end-sessions-of-user.ts',
  'packages/tokens/src/operations/confirm-password.ts',
  'packages/tokens/src/lib/access-token.ts',
  'packages/tokens/src/lib/scopes.ts',
  'packages/tokens/src/lib/authorization-header.ts',
  'packages/tokens/src/lib/throttle.ts',
  'packages/tokens/src/lib/organizations.ts',
  'packages/tokens/src/lib/guard-decision.ts',
  'packages/tokens/src/lib/body-stream.ts',
  'packages/tokens/src/lib/read-decoded-body.ts',
  'packages/tokens/src/lib/json-depth.ts',
  'packages/tokens/src/lib/json-field-names.ts',
  'packages/tokens/src/create-memory-store.ts',
  'packages/tokens/src/http/read-json-body.ts',
  'packages/tokens/src/http/handle-introspection-request.ts',
  'packages/tokens/src/http/read-body.ts',
  'packages/tokens/src/http/decide-guard.ts',
  'packages/tokens/src/http/run-guard.ts',
  'packages/tokens/src/http/to-scopeladder-error.ts',
]);
