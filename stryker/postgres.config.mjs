import { strykerConfig } from './base.config.mjs';

// The security-critical files of @scopeladder/postgres: every file whose mutants change which rows
// a list filter reaches (another tenant's records), what reaches the SQL text (identifiers are
// quoted, LIKE patterns escaped, values are parameters), or whether a revoked credential is
// refused. In scope: the SQL list filter, identifier quoting and LIKE escaping, option checks, and
// the store (revocations, rotation, session-end marks).
// Not in scope: migrations (their SQL texts are module-level strings), the directory's plumbing,
// connection setup, types, barrels.
// The tests need the test PostgreSQL (127.0.0.1:5432, see packages/postgres/src/test-support).
// Equivalent mutants (no observable behaviour change) are listed with their justification in
// docs/testing.md.
export default strykerConfig('postgres', [
  'packages/postgres/src/to-sql-filter.ts',
  'packages/postgres/src/lib/sql-identifier.ts',
  'packages/postgres/src/lib/validate.ts',
  'packages/postgres/src/create-postgres-store.ts',
]);
