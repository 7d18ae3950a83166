// createRedisCollection's subtree index (`tenancy`, `list({ within })`, `count({ within })`),
// against the real Redis: every relation of docs/examples/organizations-tree.ts, paging with
// documents that have several paths, moves and deletes, invalid paths, and a property test
// against core's own list filter (`chatshipperTenantPolicy.filterFor(...).matches`).
import { chatshipperTenantPolicy } from '@scopeladder/core';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisCollection, type RedisCollection } from './index.js';
import { relations } from '../../../docs/examples/organizations-tree.js';
import { TEST_REDIS_URL, deleteKeys, listKeys, uniquePrefix } from '../../../test/support/redis.js';

/** A record of one organization (a conversation, a contact…). */
interface Conversation {
  readonly id: string;
  readonly organizationPath?: string | null;
  readonly subject?: string;
}

/** A user: within reach of each of its memberships. */
interface Member {
  readonly id: string;
  readonly organizationPaths: readonly string[];
}

const prefix = uniquePrefix('collection-tenancy');
const client = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });

beforeAll(async () => {
  await client.connect();
});

afterAll(async () => {
  await deleteKeys(client, prefix);
  await client.quit();
});

let count = 0;
function nextName(label: string): string {
  count += 1;
  return `${label}${count}`;
}

function conversations(): RedisCollection<Conversation> {
  return createRedisCollection<Conversation>({
    client,
    prefix,
    name: nextName('conversations'),
    tenancy: { paths: (conversation) => conversation.organizationPath },
  });
}

function members(): RedisCollection<Member> {
  return createRedisCollection<Member>({
    client,
    prefix,
    name: nextName('users'),
    tenancy: { paths: (user) => user.organizationPaths },
  });
}

/** Every page of `size` from the start, concatenated (stops at the first short page). */
async function pageThrough<T extends { readonly id: string }>(collection: RedisCollection<T>, within: string, size: number): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += size) {
    const page = await collection.list({ within, offset, limit: size });
    ids.push(...page.map((document) => document.id));
    if (page.length < size) return ids;
  }
}

const ids = (documents: readonly { readonly id: string }[]): string[] => documents.map((document) => document.id);

describe('createRedisCollection: tenancy option', () => {
  it('validates the option at construction (TypeError)', () => {
    const make = (tenancy: unknown) => () => createRedisCollection<Conversation>({ client, prefix, name: 'x', tenancy: tenancy as never });
    expect(make(null)).toThrow(TypeError);
    expect(make('organizationPath')).toThrow(TypeError);
    expect(make({})).toThrow(/tenancy\.paths/);
    expect(make({ paths: 'organizationPath' })).toThrow(/tenancy\.paths/);
    expect(make({ paths: () => null, separator: '' })).toThrow(/separator/);
    expect(make({ paths: () => null, separator: '##' })).toThrow(/separator/);
    expect(make({ paths: () => null, separator: 'a' })).toThrow(/separator/);
    expect(make({ paths: () => null, separator: '\n' })).toThrow(/separator/);
    expect(make({ paths: () => null, field: 'organizationPath' })).toThrow(/unknown key "tenancy.field"/);
    expect(make({ paths: () => null, separator: '/' })).not.toThrow();
  });

  it('refuses `within` without the option, or a `within` that is not a valid path (TypeError, no round trip)', async () => {
    const plain = createRedisCollection<Conversation>({ client, prefix, name: nextName('plain') });
    await expect(plain.list({ within: 'r1' })).rejects.toThrow(/needs the `tenancy` option/);
    await expect(plain.count({ within: 'r1' })).rejects.toThrow(TypeError);
    const tenant = conversations();
    for (const within of ['', '#r1', 'r1#', 'r1##c1', 'r1#c\u0000', 'r1\n', 'r1\u007f', '\ud800', 'x'.repeat(4097), 42, null]) {
      await expect(tenant.list({ within: within as string }), JSON.stringify(within)).rejects.toThrow(TypeError);
      await expect(tenant.count({ within: within as string }), JSON.stringify(within)).rejects.toThrow(TypeError);
    }
    await expect(tenant.list({ within: 'r1', offset: -1 })).rejects.toThrow(TypeError);
    await expect(tenant.list({ within: 'r1', limit: 1.5 })).rejects.toThrow(TypeError);
    // A well-formed path nobody uses is just empty.
    expect(await tenant.list({ within: 'x'.repeat(4096) })).toEqual([]);
    expect(await tenant.list({ within: 'r1#\u00e9t\u00e9\ud83d\ude00' })).toEqual([]);
  });

  it('rejects a document with an invalid path at create and update, writing nothing (TypeError)', async () => {
    const collection = conversations();
    const before = await listKeys(client, prefix);
    for (const organizationPath of ['', '#r1', 'r1#', 'r1##c1', 'r1\u0000c1', 'r1\tc1', '\udc00', 'x'.repeat(4097)]) {
      await expect(collection.create({ id: 'bad', organizationPath }), JSON.stringify(organizationPath)).rejects.toThrow(
        /not a valid organization path/,
      );
    }
    const users = members();
    await expect(users.create({ id: 'u', organizationPaths: ['r1', 7 as unknown as string] })).rejects.toThrow(/not a string/);
    await expect(users.create({ id: 'u', organizationPaths: Array.from({ length: 1001 }, (_, i) => `r${i}`) })).rejects.toThrow(/more than 1000/);
    await expect(users.create({ id: 'u', organizationPaths: Array.from({ length: 1000 }, (_, i) => `r${i}#a#b#c#d`) })).rejects.toThrow(
      /more than 4096 organizations/,
    );
    expect(await listKeys(client, prefix)).toEqual(before);

    await collection.create({ id: 'ok', organizationPath: 'r1' });
    await expect(collection.update('ok', (current) => ({ ...current, organizationPath: 'r1#' }))).rejects.toThrow(TypeError);
    expect(await collection.get('ok')).toEqual({ id: 'ok', organizationPath: 'r1' });
    expect(ids(await collection.list({ within: 'r1' }))).toEqual(['ok']);
  });

  describe('each relation of docs/examples/organizations-tree.ts', () => {
    for (const { relation, principalPath, recordPath, reachable } of relations) {
      it(`${relation}: ${recordPath ?? 'no path'} ${reachable ? 'is' : 'is not'} within ${principalPath}`, async () => {
        const collection = conversations();
        await collection.create({ id: 'k1', organizationPath: recordPath });
        expect(ids(await collection.list({ within: principalPath }))).toEqual(reachable ? ['k1'] : []);
        expect(await collection.count({ within: principalPath })).toBe(reachable ? 1 : 0);
        // Without `within`, every document, paths or not.
        expect(ids(await collection.list())).toEqual(['k1']);
      });
    }

    it('r1#c1 never reaches r1#c10 (nor r1#c1-x, r1#c1!), whatever the order of creation', async () => {
      const collection = conversations();
      for (const [id, organizationPath] of [
        ['a', 'r1#c10'],
        ['b', 'r1#c1'],
        ['c', 'r1#c1-x'],
        ['d', 'r1#c1!'],
        ['e', 'r1#c1#s1'],
        ['f', 'r1#c10#s1'],
        ['g', 'r1#c'],
        ['h', 'r1'],
      ] as const) {
        await collection.create({ id, organizationPath });
      }
      expect(ids(await collection.list({ within: 'r1#c1' }))).toEqual(['b', 'e']);
      expect(ids(await collection.list({ within: 'r1#c10' }))).toEqual(['a', 'f']);
      expect(ids(await collection.list({ within: 'r1#c' }))).toEqual(['g']);
      expect(await collection.count({ within: 'r1' })).toBe(8);
    });
  });

  it('orders by organization path (bytewise path + separator: a parent before its descendants), then by creation', async () => {
    const collection = conversations();
    const created: [string, string][] = [
      ['1', 'r1#c2'],
      ['2', 'r1#c1#s1'],
      ['3', 'r1'],
      ['4', 'r1#c1'],
      ['5', 'r1#c1#s1'],
      ['6', 'r1#c1'],
      ['7', 'r1#c10'],
    ];
    for (const [id, organizationPath] of created) await collection.create({ id, organizationPath });
    // r1#  <  r1#c1#  <  r1#c1#s1#  <  r1#c10#  <  r1#c2#   (then creation within one organization)
    expect(ids(await collection.list({ within: 'r1' }))).toEqual(['3', '4', '6', '2', '5', '7', '1']);
    expect(ids(await collection.list({ within: 'r1', offset: 2, limit: 3 }))).toEqual(['6', '2', '5']);
    expect(ids(await collection.list({ within: 'r1', offset: 6, limit: 3 }))).toEqual(['1']);
    expect(ids(await collection.list({ within: 'r1', offset: 7 }))).toEqual([]);
    expect(ids(await collection.list({ within: 'r1', limit: 0 }))).toEqual([]);
    // list() without `within` keeps insertion order.
    expect(ids(await collection.list())).toEqual(['1', '2', '3', '4', '5', '6', '7']);
  });

  it('lists a document with several paths once, at its first path, and pages by distinct documents', async () => {
    const users = members();
    await users.create({ id: 'ana', organizationPaths: ['r1#c2', 'r1#c1'] });
    await users.create({ id: 'bo', organizationPaths: ['r1#c1#s1'] });
    await users.create({ id: 'cy', organizationPaths: ['r1', 'r1#c1#s1', 'r2'] });
    await users.create({ id: 'di', organizationPaths: ['r1#c1', 'r1#c1'] }); // a repeated path counts once
    await users.create({ id: 'ed', organizationPaths: [] });
    await users.create({ id: 'fy', organizationPaths: ['r2#c1', 'r1#c2'] });
    // Under r1: cy (r1#), ana and di (r1#c1#), bo (r1#c1#s1#), fy (r1#c2#).
    expect(ids(await users.list({ within: 'r1' }))).toEqual(['cy', 'ana', 'di', 'bo', 'fy']);
    expect(await users.count({ within: 'r1' })).toBe(5);
    for (const size of [1, 2, 3, 4, 5, 6]) {
      expect(await pageThrough(users, 'r1', size), `pages of ${size}`).toEqual(['cy', 'ana', 'di', 'bo', 'fy']);
    }
    expect(ids(await users.list({ within: 'r1#c1' }))).toEqual(['ana', 'di', 'bo', 'cy']);
    expect(ids(await users.list({ within: 'r1#c1', offset: 3 }))).toEqual(['cy']);
    expect(ids(await users.list({ within: 'r2' }))).toEqual(['cy', 'fy']);
    expect(await users.count({ within: 'r1#c1#s1' })).toBe(2);
    expect(await users.count()).toBe(6);
  });

  it('moves a document in the index when its organization or its memberships change, atomically with the document', async () => {
    const collection = conversations();
    await collection.create({ id: 'k1', organizationPath: 'r1#c1', subject: 'a' });
    await collection.create({ id: 'k2', organizationPath: 'r1#c1#s1' });
    await collection.update('k1', (current) => ({ ...current, organizationPath: 'r1#c2' }));
    expect(ids(await collection.list({ within: 'r1#c1' }))).toEqual(['k2']);
    expect(ids(await collection.list({ within: 'r1#c2' }))).toEqual(['k1']);
    // A change that keeps the path keeps the place (creation order, not update order).
    await collection.update('k1', (current) => ({ ...current, organizationPath: 'r1#c1#s1' }));
    await collection.update('k1', (current) => ({ ...current, subject: 'b' }));
    expect(await collection.list({ within: 'r1#c1' })).toEqual([
      { id: 'k1', organizationPath: 'r1#c1#s1', subject: 'b' },
      { id: 'k2', organizationPath: 'r1#c1#s1' },
    ]);
    // Leaving every organization: out of every subtree, still in the collection.
    await collection.update('k1', (current) => ({ ...current, organizationPath: null }));
    expect(ids(await collection.list({ within: 'r1' }))).toEqual(['k2']);
    expect(ids(await collection.list())).toEqual(['k1', 'k2']);

    const users = members();
    await users.create({ id: 'u1', organizationPaths: ['r1#c1'] });
    await users.update('u1', () => ({ id: 'u1', organizationPaths: ['r1#c1', 'r1#c2'] }));
    expect(ids(await users.list({ within: 'r1#c2' }))).toEqual(['u1']);
    expect(ids(await users.list({ within: 'r1' }))).toEqual(['u1']);
    await users.update('u1', () => ({ id: 'u1', organizationPaths: ['r1#c2'] }));
    expect(ids(await users.list({ within: 'r1#c1' }))).toEqual([]);
    expect(ids(await users.list({ within: 'r1' }))).toEqual(['u1']);
  });

  it('keeps the index exact under concurrent moves from two connections (compare-and-set)', async () => {
    const other = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await other.connect();
    try {
      const name = nextName('moves');
      const tenancy = { paths: (user: Member) => user.organizationPaths };
      const a = createRedisCollection<Member>({ client, prefix, name, tenancy });
      const b = createRedisCollection<Member>({ client: other, prefix, name, tenancy });
      await a.create({ id: 'u1', organizationPaths: ['r1#c1'] });
      const targets = ['r1#c1', 'r1#c2', 'r1#c1#s1', 'r2', 'r1#c10'];
      // 12 writers: each loses at most 11 races, under update's limit of 16 attempts.
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 === 0 ? a : b).update('u1', (user) => ({ ...user, organizationPaths: [targets[i % targets.length] as string, `r3#x${i}`] })),
        ),
      );
      const final = (await a.get('u1'))?.organizationPaths ?? [];
      expect(await client.zcard(`${prefix}col:{${name}}:org`)).toBe(0);
      // One member per organization on the way up: r3 and r3#x<i>, and the target's 1 to 3.
      expect(await client.zcard(`${prefix}col:{${name}}:orgm`)).toBe(2 + (final[0] ?? '').split('#').length);
      for (const within of ['r1', 'r1#c1', 'r1#c2', 'r1#c10', 'r2', 'r3']) {
        const reached = final.some((path) => path === within || path.startsWith(`${within}#`));
        expect(ids(await b.list({ within })), within).toEqual(reached ? ['u1'] : []);
      }
    } finally {
      await other.quit();
    }
  });

  it('removes a deleted document from the index, leaving no key but the counter', async () => {
    const users = members();
    await users.create({ id: 'u1', organizationPaths: ['r1#c1', 'r1#c2'] });
    await users.create({ id: 'u2', organizationPaths: ['r1#c1'] });
    expect(await users.delete('u1')).toMatchObject({ id: 'u1' });
    expect(ids(await users.list({ within: 'r1' }))).toEqual(['u2']);
    expect(await users.count({ within: 'r1#c2' })).toBe(0);
    await users.delete('u2');
    expect(await listKeys(client, `${prefix}col:{${users.name}}:`)).toEqual([`${prefix}col:{${users.name}}:seq`]);
  });

  it('honours another separator', async () => {
    const collection = createRedisCollection<Conversation>({
      client,
      prefix,
      name: nextName('slash'),
      tenancy: { paths: (conversation) => conversation.organizationPath, separator: '/' },
    });
    await collection.create({ id: 'a', organizationPath: 'r1/c1' });
    await collection.create({ id: 'b', organizationPath: 'r1#c1' }); // one segment named "r1#c1" here
    expect(ids(await collection.list({ within: 'r1' }))).toEqual(['a']);
    await expect(collection.create({ id: 'c', organizationPath: 'r1//c1' })).rejects.toThrow(TypeError);
  });

  it('equals core’s list filter, paged through in the documented order (property, random trees, documents, moves and deletes)', async () => {
    // Trees of depth 1 to 3 under a few roots, ids from a small alphabet that makes prefixes
    // collide ("c1" / "c10" / "c1!" / "c1-", "r1" / "r1!") and puts punctuation on both sides of
    // "#" in byte order; documents with none, one or several paths. `within` is mostly an
    // ancestor (or the path) of a document's path, else any path.
    const segment = fc.constantFrom('c1', 'c10', 'c1-', 'c1!', 'é', 's1');
    const path = fc.tuple(fc.constantFrom('r1', 'r2', 'r1!'), fc.array(segment, { maxLength: 2 })).map(([root, rest]) => [root, ...rest].join('#'));
    const document = fc.record({
      paths: fc.array(path, { maxLength: 3 }),
      movedTo: fc.option(fc.array(path, { maxLength: 3 })),
      deleted: fc.nat(3).map((n) => n === 0),
    });
    const scenario = fc
      .record({
        documents: fc.array(document, { maxLength: 16 }),
        any: path,
        pick: fc.nat(),
        depth: fc.integer({ min: 1, max: 3 }),
        size: fc.integer({ min: 1, max: 5 }),
      })
      .map(({ documents, any, pick, depth, size }) => {
        const all = documents.flatMap((entry) => [...entry.paths, ...(entry.movedTo ?? [])]);
        const chosen = all.length > 0 && pick % 4 !== 0 ? (all[pick % all.length] as string).split('#').slice(0, depth).join('#') : any;
        return { documents, within: chosen, size };
      });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ documents, within, size }) => {
        const users = members();
        let seq = 0;
        const model = new Map<string, { organizationPaths: readonly string[]; seq: number }>();
        for (const [index, { paths }] of documents.entries()) {
          await users.create({ id: `u${index}`, organizationPaths: paths });
          model.set(`u${index}`, { organizationPaths: paths, seq: seq++ });
        }
        for (const [index, { movedTo, deleted }] of documents.entries()) {
          const id = `u${index}`;
          if (deleted) {
            await users.delete(id);
            model.delete(id);
          } else if (movedTo !== null) {
            await users.update(id, () => ({ id, organizationPaths: movedTo }));
            model.set(id, { organizationPaths: movedTo, seq: model.get(id)?.seq ?? -1 });
          }
        }
        // Core's filter for a principal acting at `within` who may list users there.
        const filter = chatshipperTenantPolicy.filterFor({ id: 'admin', scopes: ['admin'], organizationPath: within }, 'list', 'User');
        const place = (paths: readonly string[], at: number): [Buffer, number] =>
          paths
            .filter((p) => filter.matches({ id: 'x', organizationPaths: [p] }))
            .map((p): [Buffer, number] => [Buffer.from(`${p}#`), at])
            .sort((a, b) => Buffer.compare(a[0], b[0]))[0] as [Buffer, number];
        const expected = [...model.entries()]
          .filter(([id, { organizationPaths }]) => filter.matches({ id, organizationPaths }))
          .map(([id, { organizationPaths, seq: at }]) => ({ id, key: place(organizationPaths, at) }))
          .sort((a, b) => Buffer.compare(a.key[0], b.key[0]) || a.key[1] - b.key[1])
          .map(({ id }) => id);
        expect(await pageThrough(users, within, size)).toEqual(expected);
        expect(await users.count({ within })).toBe(expected.length);
        // The index is exact: one member per live document with one path, one per organization on
        // the way up for a document with several; moves and deletes leave nothing behind.
        const live = [...model.values()].map(({ organizationPaths }) => new Set(organizationPaths));
        const upward = (paths: Set<string>) =>
          new Set([...paths].flatMap((p) => p.split('#').map((_, i, all) => all.slice(0, i + 1).join('#')))).size;
        expect(await client.zcard(`${prefix}col:{${users.name}}:org`)).toBe(live.filter((paths) => paths.size === 1).length);
        expect(await client.zcard(`${prefix}col:{${users.name}}:orgm`)).toBe(
          live.filter((paths) => paths.size > 1).reduce((sum, paths) => sum + upward(paths), 0),
        );
      }),
      { numRuns: 60 },
    );
  });
});
