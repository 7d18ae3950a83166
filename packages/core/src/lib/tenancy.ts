// Tenancy: validation of a policy's `tenancy` declaration, and the pure reach test every instance
// check and every list filter share. A principal acting in organization O carries O's
// materialized path (`"<root>#<customer>#<sub>"`); a record carries the path of its organization.
// The record is within reach when its path equals the principal's or starts with it followed by
// the separator; a list of paths (a user's memberships) is within reach when one element is.

import { UNSAFE_KEYS, fail, isPlainObject } from './definition-checks.js';

/** The compiled `tenancy` of a policy. Frozen. */
export interface CompiledTenancy {
  /** One character between the ids of a path. */
  readonly separator: string;
  /** `separator.charCodeAt(0)`. */
  readonly separatorCode: number;
  /** `separator` twice: an empty segment. */
  readonly emptySegment: string;
  /** resource → the record property holding the path(s) of its organization(s). */
  readonly fieldByType: Readonly<Record<string, string>>;
}

/** The default separator between the ids of a path. */
export const DEFAULT_SEPARATOR = '#';
/** The default record property holding the path of its organization. */
export const DEFAULT_TENANCY_FIELD = 'organizationPath';
/**
 * Defaults per type: an organization record's own `path` is its tenancy field (it belongs to
 * itself); a user record lists the paths of all its memberships.
 */
export const DEFAULT_FIELDS_BY_TYPE: Readonly<Record<string, string>> = Object.freeze({
  Organization: 'path',
  User: 'organizationPaths',
});

/** The longest principal path considered (characters): longer ones reach nothing. */
export const MAX_PATH_LENGTH = 4096;

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Printable ASCII punctuation, so a path never needs more than the ids and this character.
const SEPARATOR = /^[!-/:-@[-`{-~]$/;

function checkField(value: unknown, where: string, selfField: string): string {
  if (typeof value !== 'string' || !FIELD.test(value) || UNSAFE_KEYS.has(value)) {
    fail(where, 'expected a property name (letters, digits and "_", not starting with a digit)');
  }
  if (value === selfField) fail(where, `"${value}" is the selfField: the organization path needs a property of its own`);
  return value;
}

/**
 * Validates and compiles a `tenancy` declaration (`undefined`: no tenancy). A mistake is a
 * `TypeError` naming the key.
 */
export function compileTenancy(tenancy: unknown, resources: readonly string[], selfField: string): CompiledTenancy | null {
  if (tenancy === undefined) return null;
  if (!isPlainObject(tenancy)) fail('tenancy', 'expected { separator?, field?, fieldsByType? }');
  for (const key of Object.keys(tenancy)) {
    if (key !== 'separator' && key !== 'field' && key !== 'fieldsByType') {
      fail('tenancy', `unknown key "${key}" (expected "separator", "field" and "fieldsByType")`);
    }
  }
  const separator = tenancy['separator'] ?? DEFAULT_SEPARATOR;
  if (typeof separator !== 'string' || !SEPARATOR.test(separator)) {
    fail('tenancy.separator', 'expected one printable ASCII punctuation character, e.g. "#"');
  }
  const field = checkField(tenancy['field'] ?? DEFAULT_TENANCY_FIELD, 'tenancy.field', selfField);
  const byType = tenancy['fieldsByType'] ?? {};
  if (!isPlainObject(byType)) fail('tenancy.fieldsByType', 'expected { Resource: field }');
  for (const [resource, value] of Object.entries(byType)) {
    if (!resources.includes(resource)) fail(`tenancy.fieldsByType.${resource}`, 'unknown resource');
    checkField(value, `tenancy.fieldsByType.${resource}`, selfField);
  }
  const fieldByType = Object.create(null) as Record<string, string>;
  for (const resource of resources) {
    const declared = Object.hasOwn(byType, resource) ? byType[resource] : undefined;
    const value = (declared as string | undefined) ?? DEFAULT_FIELDS_BY_TYPE[resource] ?? field;
    if (value === selfField) fail(`tenancy.fieldsByType.${resource}`, `the default "${value}" is the selfField: name another property`);
    Object.defineProperty(fieldByType, resource, { value, writable: true, enumerable: true, configurable: true });
  }
  return Object.freeze({
    separator,
    separatorCode: separator.charCodeAt(0),
    emptySegment: separator + separator,
    fieldByType: Object.freeze(fieldByType),
  });
}

/**
 * The principal's organization path when it is usable: a non-empty string of at most
 * {@link MAX_PATH_LENGTH} characters that neither starts nor ends with the separator and has no
 * empty segment; else `null` (the principal reaches nothing). A handful of string operations.
 */
export function principalPath(tenancy: CompiledTenancy, principal: unknown): string | null {
  if (typeof principal !== 'object' || principal === null) return null;
  let path: unknown;
  try {
    path = (principal as { organizationPath?: unknown }).organizationPath;
  } catch {
    return null;
  }
  return validPath(tenancy, path) ? path : null;
}

/** Whether `path` is a well-formed path (see {@link principalPath}). */
export function validPath(tenancy: CompiledTenancy, path: unknown): path is string {
  if (typeof path !== 'string') return false;
  const length = path.length;
  return (
    length > 0 &&
    length <= MAX_PATH_LENGTH &&
    path.charCodeAt(0) !== tenancy.separatorCode &&
    path.charCodeAt(length - 1) !== tenancy.separatorCode &&
    !path.includes(tenancy.emptySegment)
  );
}

/** Whether the string `value` is `path` or below it. */
function below(separatorCode: number, path: string, value: string): boolean {
  return value === path || (value.length > path.length && value.charCodeAt(path.length) === separatorCode && value.startsWith(path));
}

/**
 * Whether a record's path value (read once by the caller) is within `path`'s subtree, with the
 * semantics of the CASL / MongoDB condition {@link tenancyCondition} builds: a string is compared
 * directly, an array is within reach when one of its string elements is, anything else is not.
 */
export function pathValueReaches(separatorCode: number, path: string, value: unknown): boolean {
  if (typeof value === 'string') return below(separatorCode, path, value);
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const element: unknown = value[i];
    if (typeof element === 'string' && below(separatorCode, path, element)) return true;
  }
  return false;
}

/** Whether `record` (of type `type`) is within `path`'s subtree. Never throws: a throwing getter is out of reach. */
export function recordReaches(tenancy: CompiledTenancy, type: string, path: string, record: object): boolean {
  const field = tenancy.fieldByType[type];
  if (field === undefined) return false;
  let value: unknown;
  try {
    value = (record as Record<string, unknown>)[field];
  } catch {
    return false;
  }
  return pathValueReaches(tenancy.separatorCode, path, value);
}

// Escaped for a regular expression read the same by JavaScript (CASL) and PCRE (MongoDB):
// metacharacters get a backslash; control characters become `\xHH` (a raw NUL cannot travel in
// BSON); everything else is literal.
// eslint-disable-next-line no-control-regex
const REGEX_ESCAPE = /[\\^$.*+?()[\]{}|/\x00-\x1f\x7f]/g;
function escapeForRegex(text: string): string {
  return text.replace(REGEX_ESCAPE, (char) => {
    const code = char.charCodeAt(0);
    return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : `\\${char}`;
  });
}

/**
 * The pattern of the subtree of `path`: the path itself, then either the separator or the end of
 * the string. The end is written `(?![\s\S])` (nothing follows) rather than `$`, which in PCRE
 * (MongoDB) also matches before a final newline. The literal prefix keeps it an indexable prefix
 * expression for MongoDB.
 */
export function subtreePattern(tenancy: CompiledTenancy, path: string): string {
  return `^${escapeForRegex(path)}(?:${escapeForRegex(tenancy.separator)}|(?![\\s\\S]))`;
}

/** The MongoDB / CASL condition "the record's `field` is within `path`'s subtree". Fresh. */
export function tenancyCondition(field: string, pattern: string): Record<string, unknown> {
  return { [field]: { $regex: pattern } };
}

/** The same condition in Prisma's `where` syntax (a scalar string column). Fresh. */
export function prismaTenancyCondition(tenancy: CompiledTenancy, field: string, path: string): Record<string, unknown> {
  return { OR: [{ [field]: path }, { [field]: { startsWith: path + tenancy.separator } }] };
}
