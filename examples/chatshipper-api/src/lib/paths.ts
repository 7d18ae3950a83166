import { PATH_SEPARATOR } from '../policy.js';

/**
 * Whether the organization at `path` is `base` or one of its descendants: the tenancy rule as a
 * prefix test (`r1#c1` is within `r1`, `r1#c10` is not within `r1#c1`).
 *
 * @example
 * ```ts
 * isWithin('r1#c1#s1', 'r1#c1'); // true
 * isWithin('r1#c10', 'r1#c1'); // false
 * ```
 */
export function isWithin(path: unknown, base: string | undefined): boolean {
  if (typeof path !== 'string' || typeof base !== 'string' || base === '') return false;
  return path === base || path.startsWith(base + PATH_SEPARATOR);
}

/**
 * The path of a new organization below `parentPath`.
 *
 * @example
 * ```ts
 * childPath('r1#c1', 's1'); // 'r1#c1#s1'
 * ```
 */
export function childPath(parentPath: string, id: string): string {
  return `${parentPath}${PATH_SEPARATOR}${id}`;
}

/**
 * The level of an organization (1 for a root) from its path.
 *
 * @example
 * ```ts
 * levelOf('r1#c1'); // 2
 * ```
 */
export function levelOf(path: string): number {
  return path.split(PATH_SEPARATOR).length;
}
