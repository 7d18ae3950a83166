import { strykerConfig } from './base.config.mjs';

// The security-critical files of @scopeladder/redis: every file whose mutants change whether a
// revoked credential is refused, which keys a record lives under (one tenant's or another's), or
// what a record read back from Redis may say. In scope: the local revocation view (an instance
// answering revocation and bot-key checks from memory: a stale or wrong view lets a revoked token
// in), the store itself (revocations, rotation, session-end marks, bot keys, throttle counters),
// the key layout, the decoding of what Redis answers (a corrupt record is ERR_INTERNAL, a 500, never a pass), and
// the tenancy checks of collections.
// Not in scope: the Lua script texts and other module-level strings (static mutants, skipped by
// default: every store test runs them), connection setup, types, barrels.
// The tests need the test Redis (127.0.0.1:6379). The cluster tests (they start local clusters on
// ports 7200–7299) are left out of mutation runs: see stryker/vitest.package.config.ts.
// Equivalent mutants (no observable behaviour change) are listed with their justification in
// docs/testing.md.
export default strykerConfig('redis', [
  'packages/redis/src/lib/local-view.ts',
  'packages/redis/src/lib/keys.ts',
  'packages/redis/src/lib/records.ts',
  'packages/redis/src/lib/collection-tenancy.ts',
  'packages/redis/src/create-redis-store.ts',
]);
