// Public entry point of @scopeladder/postgres. Types are exported explicitly with `export type`.
export { createPostgresStore } from './create-postgres-store.js';
export type { PostgresStoreOptions, PostgresTokenStore, PurgeResult } from './create-postgres-store.js';
export { migrate } from './migrate.js';
export type { MigrateOptions, MigrateResult } from './migrate.js';
export { toSqlFilter } from './to-sql-filter.js';
export type { SqlCondition, SqlFilterOptions, SqlFilterResult, SqlMembershipsJoin } from './to-sql-filter.js';
export { createPostgresDirectory } from './create-postgres-directory.js';
export type {
  CreateOrganizationInput,
  CreateUserInput,
  OrganizationRow,
  PostgresDirectory,
  PostgresDirectoryOptions,
} from './create-postgres-directory.js';
