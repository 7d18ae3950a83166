import fc from 'fast-check';
import type { Principal } from '@scopeladder/core';
import { scopesOf, type ScopeSource } from '../lib/scope-source.js';

/**
 * One organization of a generated tree: ChatShipper's shape (`parent` is `null` for a root,
 * `level` 1–3, `path` the ids from the root down joined by the separator).
 *
 * @example
 * ```ts
 * const org: GeneratedOrganization = { id: 'o1', parent: 'o0', level: 2, path: 'o0#o1' };
 * ```
 */
export interface GeneratedOrganization {
  readonly id: string;
  readonly parent: string | null;
  readonly level: number;
  readonly path: string;
}

/**
 * Options of {@link organizationTree}.
 *
 * @example
 * ```ts
 * arbitraries.organizationTree({ maxDepth: 2, maxOrganizations: 6, separator: '/' });
 * ```
 */
export interface OrganizationTreeOptions {
  /** Deepest level (1–3). Default 3. */
  readonly maxDepth?: number | undefined;
  /** Most organizations in all (2–64). Default 12. */
  readonly maxOrganizations?: number | undefined;
  /** The separator of paths. Default `'#'`. */
  readonly separator?: string | undefined;
}

function checkTreeOptions(options: OrganizationTreeOptions): { maxDepth: number; maxOrganizations: number; separator: string } {
  const maxDepth = options.maxDepth ?? 3;
  const maxOrganizations = options.maxOrganizations ?? 12;
  const separator = options.separator ?? '#';
  if (!Number.isSafeInteger(maxDepth) || maxDepth < 1 || maxDepth > 3) {
    throw new TypeError('arbitraries.organizationTree: maxDepth must be 1, 2 or 3');
  }
  if (!Number.isSafeInteger(maxOrganizations) || maxOrganizations < 2 || maxOrganizations > 64) {
    throw new TypeError('arbitraries.organizationTree: maxOrganizations must be an integer from 2 to 64');
  }
  if (typeof separator !== 'string' || separator.length !== 1) {
    throw new TypeError('arbitraries.organizationTree: separator must be one character');
  }
  return { maxDepth, maxOrganizations, separator };
}

/**
 * A forest of organizations (one or more roots, so "another tree" exists), at most `maxDepth`
 * levels deep with random widths, in creation order (a parent before its children). Ids are
 * `o0`, `o1`, … `o10`, …: `o1` and `o10` look alike as prefixes, which a prefix test without the
 * separator gets wrong.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.organizationTree(), (tree) => tree.every((org) => org.level <= 3)));
 * ```
 */
export function organizationTree(options: OrganizationTreeOptions = {}): fc.Arbitrary<readonly GeneratedOrganization[]> {
  const { maxDepth, maxOrganizations, separator } = checkTreeOptions(options);
  // Each organization after the first picks a parent among the earlier ones (or none: a new root).
  return fc
    .array(fc.record({ root: fc.nat(4).map((n) => n === 0), parent: fc.nat() }), { minLength: 1, maxLength: maxOrganizations - 1 })
    .map((picks) => {
      const tree: GeneratedOrganization[] = [{ id: 'o0', parent: null, level: 1, path: 'o0' }];
      picks.forEach(({ root, parent }, index) => {
        const id = `o${index + 1}`;
        const candidates = tree.filter((org) => org.level < maxDepth);
        if (root || candidates.length === 0) {
          tree.push({ id, parent: null, level: 1, path: id });
          return;
        }
        const chosen = candidates[parent % candidates.length] as GeneratedOrganization;
        tree.push({ id, parent: chosen.id, level: chosen.level + 1, path: `${chosen.path}${separator}${id}` });
      });
      return Object.freeze(tree.map((org) => Object.freeze(org)));
    });
}

/**
 * Whether `organization` is `ancestor` or below it, by walking `parent` links (not by comparing
 * paths): the oracle the tenancy invariant checks paths against.
 *
 * @example
 * ```ts
 * isWithin(tree, 'o3', 'o0'); // true when o3 descends from o0
 * ```
 */
export function isWithin(tree: readonly GeneratedOrganization[], organization: string, ancestor: string): boolean {
  const byId = new Map(tree.map((org) => [org.id, org]));
  for (
    let at: GeneratedOrganization | undefined = byId.get(organization);
    at !== undefined;
    at = at.parent === null ? undefined : byId.get(at.parent)
  ) {
    if (at.id === ancestor) return true;
  }
  return false;
}

/**
 * A user's memberships in a tree: a few organizations, each with a scope of the ladder as role.
 *
 * @example
 * ```ts
 * arbitraries.organizationTree().chain((tree) => arbitraries.memberships(tree, chatshipperPolicy));
 * ```
 */
export function memberships(
  tree: readonly GeneratedOrganization[],
  source: ScopeSource,
): fc.Arbitrary<readonly { readonly organization: string; readonly path: string; readonly role: string }[]> {
  const scopes = scopesOf('arbitraries.memberships', source);
  if (!Array.isArray(tree) || tree.length === 0) throw new TypeError('arbitraries.memberships: expected a non-empty tree');
  return fc.uniqueArray(
    fc.record({ org: fc.constantFrom(...tree), role: fc.constantFrom(...scopes) }).map(({ org, role }) => ({
      organization: org.id,
      path: org.path,
      role,
    })),
    { maxLength: 3, selector: (membership) => membership.organization },
  );
}

/**
 * A principal acting in one organization of `tree`: random scopes of the ladder, `organization`
 * and `organizationPath` set.
 *
 * @example
 * ```ts
 * arbitraries.organizationTree().chain((tree) => arbitraries.tenantPrincipal(tree, chatshipperPolicy));
 * ```
 */
export function tenantPrincipal(tree: readonly GeneratedOrganization[], source: ScopeSource): fc.Arbitrary<Principal> {
  const scopes = scopesOf('arbitraries.tenantPrincipal', source);
  if (!Array.isArray(tree) || tree.length === 0) throw new TypeError('arbitraries.tenantPrincipal: expected a non-empty tree');
  return fc
    .record({
      id: fc.constantFrom('u-self', 'u-other'),
      scopes: fc.subarray([...scopes]),
      org: fc.constantFrom(...tree),
    })
    .map(({ id, scopes: held, org }) => ({ id, scopes: held, organization: org.id, organizationPath: org.path }));
}

/**
 * Where a generated record lies: in an organization of the tree (its path as a string, or in a
 * list with another organization's, like a user's memberships), or nowhere (no path, or a
 * malformed one).
 *
 * @example
 * ```ts
 * const placed: PlacedRecord = { organizations: ['o2'], value: ['o0#o2', 'o1'] };
 * ```
 */
export interface PlacedRecord {
  /**
   * The organizations of the tree the record lies in (empty: none). A record of an organization
   * that is not in the tree, a look-alike such as `o4x` beside `o4`, lies in `o4`'s parent's
   * subtree: that parent is listed (a look-alike of a root lies in no tree).
   */
  readonly organizations: readonly string[];
  /** The value of the record's tenancy field. */
  readonly value: unknown;
}

/**
 * A record placed in `tree`: its tenancy-field value, and the organizations it belongs to.
 *
 * @example
 * ```ts
 * arbitraries.organizationTree().chain((tree) => arbitraries.placedRecord(tree));
 * ```
 */
export function placedRecord(tree: readonly GeneratedOrganization[]): fc.Arbitrary<PlacedRecord> {
  if (!Array.isArray(tree) || tree.length === 0) throw new TypeError('arbitraries.placedRecord: expected a non-empty tree');
  const org = fc.constantFrom(...tree);
  return fc.oneof(
    { weight: 6, arbitrary: org.map((o) => ({ organizations: [o.id], value: o.path })) },
    {
      weight: 2,
      arbitrary: fc
        .uniqueArray(org, { minLength: 1, maxLength: 2, selector: (o) => o.id })
        .map((os) => ({ organizations: os.map((o) => o.id), value: os.map((o) => o.path) })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom<PlacedRecord>(
        { organizations: [], value: undefined },
        { organizations: [], value: null },
        { organizations: [], value: '' },
        { organizations: [], value: 7 },
        { organizations: [], value: [] },
      ),
    },
    // A look-alike: an organization's path with a character appended ("o0#o4" → "o0#o4x"), which
    // lies beside it, below its parent.
    { weight: 1, arbitrary: org.map((o) => ({ organizations: o.parent === null ? [] : [o.parent], value: `${o.path}x` })) },
  );
}
