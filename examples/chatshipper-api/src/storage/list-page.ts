import type { ListPage, ListQuery } from './types.js';

/**
 * One page of `records` (in their order) that match `query.filter`: skips `offset` matches, takes
 * `limit`, and says whether another match follows. Reads no further than that next match.
 *
 * @example
 * ```ts
 * pageOf(table.values(), { filter, within: 'r1#c1', offset: 0, limit: 100 }); // { items, more }
 * ```
 */
export function pageOf<T>(records: Iterable<T>, query: ListQuery): ListPage<T> {
  const { filter, offset, limit } = query;
  const items: T[] = [];
  if (filter.kind === 'none') return { items, more: false };
  let skipped = 0;
  for (const record of records) {
    if (!filter.matches(record)) continue;
    if (skipped < offset) {
      skipped += 1;
      continue;
    }
    if (items.length === limit) return { items, more: true };
    items.push(record);
  }
  return { items, more: false };
}

/**
 * `records` in the order the Redis subtree index lists them, so both backends page alike: by the
 * first of a record's paths inside the subtree `within` (compared as `path + "#"`, so a parent
 * comes before its descendants), then in their given (creation) order. Records with no path in
 * the subtree come last (the list filter drops them anyway). `within` undefined: unchanged.
 *
 * @example
 * ```ts
 * pageOf(inSubtreeOrder(table.values(), query.within, (record) => record['organizationPath']), query);
 * ```
 */
export function inSubtreeOrder<T>(records: Iterable<T>, within: string | undefined, pathsOf: (record: T) => unknown): Iterable<T> {
  if (within === undefined) return records;
  const keyed = [...records].map((record) => ({ record, key: subtreeKey(pathsOf(record), within) }));
  // Array.prototype.sort is stable: equal keys keep creation order.
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map(({ record }) => record);
}

const LAST = '\uffff';

function subtreeKey(paths: unknown, within: string): string {
  const list = Array.isArray(paths) ? paths : [paths];
  let best = LAST;
  for (const path of list) {
    if (typeof path !== 'string' || (path !== within && !path.startsWith(`${within}#`))) continue;
    const key = `${path}#`;
    if (key < best) best = key;
  }
  return best;
}
