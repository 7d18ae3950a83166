// The `tenancy` option of createRedisCollection: validating it, the organization paths of a
// document (checked at every write), and the index range of a `within` path.

/** The longest path accepted (characters), as in @scopeladder/core. */
export const MAX_PATH_LENGTH = 4096;
/** The most paths one document may have (a user's memberships). */
export const MAX_PATHS_PER_DOCUMENT = 1000;

// Printable ASCII punctuation, as in @scopeladder/core's `tenancy.separator`.
const SEPARATOR = /^[!-/:-@[-`{-~]$/;

/** The `tenancy` option, validated. */
export interface CompiledCollectionTenancy<T> {
  readonly separator: string;
  /**
   * The index heads of a document: each distinct path followed by the separator, sorted,
   * joined by NUL (`''` when it has no path). Throws `TypeError` for an invalid path.
   */
  heads(document: T): string;
  /** The index range `[lo, hi)` of the subtree of `within`. Throws `TypeError` for an invalid path. */
  range(within: unknown): { readonly lo: string; readonly hi: string };
}

/** Why `path` is not a valid organization path, or `null` when it is. */
export function pathProblem(path: unknown, separator: string): string | null {
  if (typeof path !== 'string') return 'not a string';
  if (path.length === 0) return 'empty';
  if (path.length > MAX_PATH_LENGTH) return `longer than ${MAX_PATH_LENGTH} characters`;
  if (path.startsWith(separator) || path.endsWith(separator) || path.includes(separator + separator)) {
    return `an empty segment (a path is ids joined by "${separator}")`;
  }
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return 'a control character';
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = path.charCodeAt(i + 1);
      if (code > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return 'a lone surrogate (not well-formed UTF-16)';
      i++;
    }
  }
  return null;
}

/**
 * Validates the `tenancy` option (`undefined`: no subtree index). Mistakes are `TypeError`s
 * naming the key.
 */
export function compileCollectionTenancy<T>(tenancy: unknown, where: string): CompiledCollectionTenancy<T> | null {
  if (tenancy === undefined) return null;
  if (typeof tenancy !== 'object' || tenancy === null) throw new TypeError(`${where}: \`tenancy\` must be { paths, separator? }`);
  for (const key of Object.keys(tenancy)) {
    if (key !== 'paths' && key !== 'separator') {
      throw new TypeError(`${where}: unknown key "tenancy.${key}" (expected "paths" and "separator")`);
    }
  }
  const { paths, separator: declared = '#' } = tenancy as { paths?: unknown; separator?: unknown };
  if (typeof paths !== 'function') throw new TypeError(`${where}: \`tenancy.paths\` must be a function of the document`);
  if (typeof declared !== 'string' || !SEPARATOR.test(declared)) {
    throw new TypeError(`${where}: \`tenancy.separator\` must be one printable ASCII punctuation character, e.g. "#"`);
  }
  const separator: string = declared;
  const pathsOf = paths as (document: T) => unknown;
  const after = String.fromCharCode(separator.charCodeAt(0) + 1);

  function check(path: unknown, what: string): string {
    const problem = pathProblem(path, separator);
    if (problem !== null) throw new TypeError(`${where}: ${what} is not a valid organization path: ${problem}`);
    return path as string;
  }

  return {
    separator,
    heads(document) {
      const value = pathsOf(document);
      if (value === undefined || value === null) return '';
      const list: readonly unknown[] = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [value];
      if (list.length > MAX_PATHS_PER_DOCUMENT) {
        throw new TypeError(`${where}: tenancy.paths(document) returned more than ${MAX_PATHS_PER_DOCUMENT} paths`);
      }
      const heads = new Set<string>();
      for (const path of list) heads.add(check(path, 'a path of tenancy.paths(document)') + separator);
      return [...heads].sort().join('\0');
    },
    range(within) {
      const path = check(within, '`within`');
      return { lo: path + separator, hi: path + after };
    },
  };
}
