import { chatshipperLadder } from './chatshipper-ladder.js';
import type { Ladder } from './define-ladder.js';

/**
 * A user's membership of an organization, as a user directory returns it: the organization's id,
 * optionally its materialized path (`"r1#c1"`), and the role (a scope) held there — and, unless
 * a nearer membership says otherwise, in every organization below it.
 *
 * @example
 * ```ts
 * const memberships: Membership[] = [
 *   { organization: 'c1', path: 'r1#c1', role: 'admin' },
 *   { organization: 's1', role: 'agent' }, // no path: found by id among the target's ancestors
 * ];
 * ```
 */
export interface Membership<S extends string = string> {
  /** The organization's id. */
  readonly organization: string;
  /** The organization's path, when known; must end with `organization`. */
  readonly path?: string | undefined;
  /** The role held there. */
  readonly role: S;
}

/**
 * Options of {@link resolveRole}.
 *
 * @example
 * ```ts
 * resolveRole(memberships, 'r1/c1', { separator: '/', ladder: myLadder });
 * ```
 */
export interface ResolveRoleOptions {
  /** The separator of paths. Default `'#'`. */
  readonly separator?: string | undefined;
  /**
   * Breaks a tie between two memberships of the same organization: the lower role wins (a role
   * the ladder does not know is lowest). Default: the ChatShipper ladder.
   */
  readonly ladder?: Ladder<string> | undefined;
}

const SEPARATOR = /^[!-/:-@[-`{-~]$/;

function isValidPath(path: unknown, separator: string): path is string {
  return (
    typeof path === 'string' && path.length > 0 && !path.startsWith(separator) && !path.endsWith(separator) && !path.includes(separator + separator)
  );
}

/**
 * The effective role of a user in the organization at `organizationPath`: the role of the nearest
 * membership at or above it (the deepest of the memberships in that organization or one of its
 * ancestors), or `null` when none is (the user does not reach it). Pure; never throws on data:
 * a malformed path, a membership that is not an object or has no string `organization` and
 * `role`, or whose `path` is malformed or does not end with its `organization`, counts for
 * nothing. A membership without `path` is placed by finding its `organization` among the ids of
 * `organizationPath`. Two memberships of the same organization: the lower role wins. A role that
 * is an alias of the ladder (`viewer`) is answered as its scope (`guest`).
 *
 * @example
 * ```ts
 * import { resolveRole } from '@scopeladder/core';
 *
 * const memberships = [
 *   { organization: 'r1', path: 'r1', role: 'agent' },
 *   { organization: 'c1', path: 'r1#c1', role: 'admin' },
 * ];
 * resolveRole(memberships, 'r1');       // 'agent'
 * resolveRole(memberships, 'r1#c1#s1'); // 'admin' (inherited from c1, the nearest)
 * resolveRole(memberships, 'r2');       // null: not a member there
 * ```
 */
export function resolveRole<S extends string>(
  memberships: readonly Membership<S>[],
  organizationPath: string,
  options: ResolveRoleOptions = {},
): S | null {
  const separator = options.separator ?? '#';
  if (typeof separator !== 'string' || !SEPARATOR.test(separator)) {
    throw new TypeError('resolveRole: options.separator must be one printable ASCII punctuation character');
  }
  const ladder = options.ladder ?? chatshipperLadder;
  if (!Array.isArray(memberships) || !isValidPath(organizationPath, separator)) return null;
  const ids = organizationPath.split(separator);
  let best: S | null = null;
  let bestDepth = -1;
  let bestRank = 0;
  for (const membership of memberships as readonly unknown[]) {
    if (typeof membership !== 'object' || membership === null) continue;
    const { organization, path, role } = membership as { organization?: unknown; path?: unknown; role?: unknown };
    if (typeof organization !== 'string' || organization === '' || typeof role !== 'string') continue;
    let depth: number;
    if (path === undefined) {
      depth = ids.lastIndexOf(organization);
      if (depth < 0) continue;
    } else {
      if (!isValidPath(path, separator)) continue;
      if (!(path === organizationPath || organizationPath.startsWith(path + separator))) continue;
      if (!(path === organization || path.endsWith(separator + organization))) continue;
      depth = path.split(separator).length - 1;
    }
    // An alias (ChatShipper's `viewer`) is its scope.
    const scope = typeof ladder.canonical === 'function' ? ladder.canonical(role) : ladder.has(role) ? role : null;
    const rank = scope === null ? -1 : ladder.rank(scope);
    if (depth > bestDepth || (depth === bestDepth && rank < bestRank)) {
      best = (scope ?? role) as S;
      bestDepth = depth;
      bestRank = rank;
    }
  }
  return best;
}
