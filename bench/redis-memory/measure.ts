// What the Redis store keeps, by kind of key: every key under a prefix (SCAN: a benchmark may scan,
// the store never does), its `MEMORY USAGE … SAMPLES 0` (exact: every element of a hash or
// sorted set counted, not a sample), summed per key kind of the store's layout
// (packages/redis/README.md, "Key layout").
import type { Redis } from 'ioredis';

/** One kind of key of the store's layout, as the README's key table names it. */
export interface KeyKind {
  readonly name: string;
  readonly pattern: RegExp;
}

/** The kinds of the token store's keys, matched on the key without the prefix. */
export const KEY_KINDS: readonly KeyKind[] = [
  { name: '{f:<familyId>}:rt:<digest>', pattern: /^\{f:[^}]*\}:rt:/ },
  { name: '{f:<familyId>}:fam', pattern: /^\{f:[^}]*\}:fam$/ },
  { name: 'rt:<digest>', pattern: /^rt:/ },
  { name: '{u:<userId>}:ufam', pattern: /^\{u:[^}]*\}:ufam$/ },
  { name: '{u:<userId>}:uend', pattern: /^\{u:[^}]*\}:uend$/ },
  { name: 'jti:<jti>', pattern: /^jti:/ },
  { name: 'ak:<digest>', pattern: /^ak:/ },
  { name: 'akid:<id>', pattern: /^akid:/ },
  { name: '{u:<userId>}:aku', pattern: /^\{u:[^}]*\}:aku$/ },
  { name: 'hit:<key>', pattern: /^hit:/ },
  { name: '{ev}:events', pattern: /^\{ev\}:events$/ },
];

/** Keys and bytes of one kind. */
export interface KindUsage {
  readonly keys: number;
  readonly bytes: number;
}

/** Everything under a prefix: per kind (`other` for a key of no known kind), and the total. */
export interface PrefixUsage {
  readonly kinds: ReadonlyMap<string, KindUsage>;
  readonly keys: number;
  readonly bytes: number;
}

/** The kind of a key (without its prefix), or `other`. */
export function kindOf(key: string): string {
  return KEY_KINDS.find((kind) => kind.pattern.test(key))?.name ?? 'other';
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * Sums `MEMORY USAGE key SAMPLES 0` over every key under `prefix`, per kind.
 *
 * @example
 * ```ts
 * const before = await measurePrefix(redis, prefix);
 * for (const user of users) await auth.login(user);
 * const after = await measurePrefix(redis, prefix);
 * (after.bytes - before.bytes) / users.length; // bytes per session
 * ```
 */
export async function measurePrefix(client: Redis, prefix: string): Promise<PrefixUsage> {
  const kinds = new Map<string, { keys: number; bytes: number }>();
  let keys = 0;
  let bytes = 0;
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
    cursor = next;
    const pipeline = client.pipeline();
    for (const key of batch) pipeline.memory('USAGE', key, 'SAMPLES', 0);
    const answers = (await pipeline.exec()) ?? [];
    for (const [index, key] of batch.entries()) {
      const [error, usage] = answers[index] ?? [null, null];
      // A key that expired between SCAN and MEMORY USAGE answers null: it no longer counts.
      if (error !== null || typeof usage !== 'number') continue;
      const kind = kindOf(key.slice(prefix.length));
      const entry = kinds.get(kind) ?? { keys: 0, bytes: 0 };
      entry.keys += 1;
      entry.bytes += usage;
      kinds.set(kind, entry);
      keys += 1;
      bytes += usage;
    }
  } while (cursor !== '0');
  return { kinds, keys, bytes };
}

/** What changed between two measurements, per operation: keys and bytes per kind (kinds that changed). */
export interface UsageDelta {
  readonly kinds: readonly { readonly name: string; readonly keys: number; readonly bytes: number }[];
  readonly keys: number;
  readonly bytes: number;
}

/**
 * `(after - before) / operations`, per kind and in total.
 *
 * @example
 * ```ts
 * const perSession = deltaPer(before, after, 1000);
 * perSession.bytes; // e.g. 600
 * ```
 */
export function deltaPer(before: PrefixUsage, after: PrefixUsage, operations: number): UsageDelta {
  const names = [...new Set([...before.kinds.keys(), ...after.kinds.keys()])];
  const order = (name: string) => {
    const index = KEY_KINDS.findIndex((kind) => kind.name === name);
    return index === -1 ? KEY_KINDS.length : index;
  };
  const kinds = names
    .sort((a, b) => order(a) - order(b))
    .map((name) => {
      const was = before.kinds.get(name) ?? { keys: 0, bytes: 0 };
      const is = after.kinds.get(name) ?? { keys: 0, bytes: 0 };
      return { name, keys: (is.keys - was.keys) / operations, bytes: (is.bytes - was.bytes) / operations };
    })
    .filter((kind) => kind.keys !== 0 || kind.bytes !== 0);
  return { kinds, keys: (after.keys - before.keys) / operations, bytes: (after.bytes - before.bytes) / operations };
}
