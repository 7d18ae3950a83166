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
