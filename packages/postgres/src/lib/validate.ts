/**
 * Checks of the package's own options (schema, timeouts, pool). The checks of what the auth
 * service hands a store live once in `@scopeladder/tokens` (`assertStoreText`,
 * `assertRefreshTokenRecord`, …).
 */

/** What a schema name may be: a lowercase SQL identifier (it is still always quoted). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A schema name, validated; `caller` names the function in the message. */
export function readSchema(value: unknown, caller: string): string {
  const schema = value ?? 'scopeladder';
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw new TypeError(`${caller}: \`schema\` must be a lowercase SQL identifier (a-z, 0-9, _; at most 63 characters)`);
  }
  return schema;
}

/** A positive timeout in milliseconds, or the default. */
export function readTimeout(value: unknown, fallback: number, name: string, caller: string): number {
  const timeout = value ?? fallback;
  if (typeof timeout !== 'number' || !Number.isSafeInteger(timeout) || timeout <= 0 || timeout > 600_000) {
    throw new TypeError(`${caller}: \`${name}\` must be an integer number of milliseconds from 1 to 600000`);
  }
  return timeout;
}

/** A `pg` Pool (or anything with its `connect`/`query`/`on`). */
export function assertPool(value: unknown, caller: string): void {
  const candidate = value as { connect?: unknown; query?: unknown; on?: unknown } | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.connect !== 'function' ||
    typeof candidate.query !== 'function' ||
    typeof candidate.on !== 'function'
  ) {
    throw new TypeError(`${caller}: \`pool\` must be a pg Pool`);
  }
}

/** Quotes an identifier that was validated already (no double quote can be in it). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
