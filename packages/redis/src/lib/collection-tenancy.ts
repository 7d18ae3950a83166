// The `tenancy` option of createRedisCollection: validating it, the organization paths of a
// document (checked at every write), and the index range of a `within` path.

/** The longest path accepted (characters), as in @scopeladder/core. */
export const MAX_PATH_LENGTH = 4096;
/** The most paths one document may have (a user's memberships). */
export const MAX_PATHS_PER_DOCUMENT = 1000;
/** The most organizations on the way up from the paths of one document with several paths. */
export const MAX_ORGANIZATIONS_PER_DOCUMENT = 4096;

// Printable ASCII punctuation, as in @scopeladder/core's `tenancy.separator`.
const SEPARATOR = /^[!-/:-@[-`{-~]$/;

/** The `tenancy` option, validated. */
export interface CompiledCollectionTenancy<T> {
  readonly separator: string;
  /**
   * The index entries of a document, joined by NUL (`''` when it has no path; see
   * collection-scripts.ts): with one path, its head `<path><sep>`; with several, for every
   * organization A on the way up from them, `A`, \u0001, then the first (bytewise) of its heads
   * within A. Throws `TypeError` for an invalid path.
   */
  entries(document: T): string;
  /** The index ranges of the subtree of `within`. Throws `TypeError` for an invalid path. */
  range(within: unknown): WithinRange;
}

/** The bounds of a subtree in both index sets: `[lo, hi)` in `org`, `[mlo, mhi)` in `orgm`. */
export interface WithinRange {
  readonly lo: string;
  readonly hi: string;
  readonly mlo: string;
  readonly mhi: string;
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
    entries(document) {
      const value = pathsOf(document);
      if (value === undefined || value === null) return '';
      const list: readonly unknown[] = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [value];
      if (list.length > MAX_PATHS_PER_DOCUMENT) {
        throw new TypeError(`${where}: tenancy.paths(document) returned more than ${MAX_PATHS_PER_DOCUMENT} paths`);
      }
      const paths = [...new Set(list.map((path) => check(path, 'a path of tenancy.paths(document)')))];
      if (paths.length <= 1) return paths.length === 0 ? '' : `${paths[0]}${separator}`;
      // Several paths: per organization on the way up, the first head within it (bytewise, as Redis orders).
      const first = new Map<string, Buffer>();
      for (const path of paths) {
        const head = Buffer.from(path + separator, 'utf8');
        for (let end = path.indexOf(separator); ; end = path.indexOf(separator, end + 1)) {
          const organization = end === -1 ? path : path.slice(0, end);
          const current = first.get(organization);
          if (current === undefined || Buffer.compare(head, current) < 0) first.set(organization, head);
          if (end === -1) break;
        }
        if (first.size > MAX_ORGANIZATIONS_PER_DOCUMENT) {
          throw new TypeError(`${where}: the paths of one document reach more than ${MAX_ORGANIZATIONS_PER_DOCUMENT} organizations`);
        }
      }
      return [...first]
        .map(([organization, head]) => `${organization}\u0001${head.toString('utf8')}`)
        .sort()
        .join('\0');
    },
    range(within) {
      const path = check(within, '`within`');
      return { lo: path + separator, hi: path + after, mlo: `${path}\u0001`, mhi: `${path}\u0002` };
    },
  };
}
