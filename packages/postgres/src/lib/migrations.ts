import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One shipped migration: `migrations/0001_initial.sql` is version 1, named `initial`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** SHA-256 of the file: an applied migration whose file changed since is refused. */
  readonly checksum: string;
}

/**
 * The schema version this release of the package works with: the highest shipped migration.
 * Keep in step with `migrations/` (a test checks it).
 */
export const SCHEMA_VERSION = 2;

/** The migrations table, in the target schema. */
export const MIGRATIONS_TABLE = 'scopeladder_migrations';

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/**
 * The package's `migrations/` folder: beside `dist/` when built (one level up from the bundle),
 * two levels up from `src/lib/` when run from sources.
 */
function migrationsDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, '..', 'migrations'), join(here, '..', '..', 'migrations')]) {
    if (existsSync(join(candidate, '0001_initial.sql'))) return candidate;
  }
  throw new Error('@scopeladder/postgres: the migrations/ folder of the package is missing');
}

let cached: readonly Migration[] | undefined;

/** The shipped migrations, in version order (read once). Versions must run 1, 2, 3… without gaps. */
export function loadMigrations(): readonly Migration[] {
  if (cached !== undefined) return cached;
  const directory = migrationsDirectory();
  const migrations = readdirSync(directory)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file, index): Migration => {
      const match = FILE_NAME.exec(file);
      if (match === null || Number(match[1]) !== index + 1) {
        throw new Error(`@scopeladder/postgres: unexpected migration file ${file}`);
      }
      const sql = readFileSync(join(directory, file), 'utf8');
      return { version: index + 1, name: match[2] as string, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
  cached = migrations;
  return migrations;
}
