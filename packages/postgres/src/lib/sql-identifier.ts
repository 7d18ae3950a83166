/** One part of an identifier: letters, digits, `_`, at most 63 characters (PostgreSQL's limit). */
const PART = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Validates a column or table name (`column`, `table.column`, `schema.table.column`) and quotes
 * each part: `"table"."column"`. Anything else is a `TypeError` naming `what`: names come from the
 * application's code, never from a request, and are never spliced in unchecked.
 */
export function quoteQualified(name: unknown, what: string): string {
  if (typeof name !== 'string') throw new TypeError(`${what} must be a string`);
  const parts = name.split('.');
  if (parts.length > 3 || !parts.every((part) => PART.test(part))) {
    throw new TypeError(
      `${what} must be an SQL identifier (letters, digits, _), optionally qualified as table.column; got ${JSON.stringify(name.slice(0, 80))}`,
    );
  }
  return parts.map((part) => `"${part}"`).join('.');
}

/** Escapes LIKE's wildcards and its escape character, for `LIKE $n ESCAPE '\'`. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}
