// Cluster safety of createRedisCollection, on the single test Redis: every command the
// collection sends, and every command its Lua scripts run (seen through MONITOR), touches only
// keys of one hash slot, and a script touches only keys it declared in KEYS. Slots are computed
// with Redis Cluster's own function (CRC16/XMODEM of the hash tag, mod 16384; test/support's
// `keySlot`), checked against the examples of the Redis Cluster specification.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisCollection } from './index.js';
import { COLLECTION_SCRIPTS } from './lib/collection-scripts.js';
import { TEST_REDIS_URL, deleteKeys, uniquePrefix } from '../../../test/support/redis.js';
import { crc16, keySlot } from '../../../test/support/redis-cluster.js';

interface Seen {
  readonly args: readonly string[];
  readonly source: string;
}

const prefix = uniquePrefix('collection-cluster');
const client = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });

beforeAll(async () => {
  await client.connect();
});

afterAll(async () => {
  await deleteKeys(client, prefix);
  await client.quit();
});

interface User {
  readonly id: string;
  readonly email: string;
  readonly organizationPaths: readonly string[];
}

describe('createRedisCollection on Redis Cluster terms', () => {
  it('computes slots like Redis Cluster (the specification’s examples)', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x31c3);
    expect(keySlot('somekey')).toBe(11058);
    expect(keySlot('foo{hash_tag}')).toBe(keySlot('hash_tag'));
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
    expect(keySlot('foo{}{bar}')).toBe(crc16(Buffer.from('foo{}{bar}')) % 16384);
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'));
  });

  it('names keys only from KEYS inside its scripts (no key built from ARGV or a stored value)', () => {
    for (const script of COLLECTION_SCRIPTS) {
      const calls = [...script.source.matchAll(/redis\.call\('(\w+)',\s*([^,)]+)/g)];
      expect(calls.length, script.name).toBeGreaterThan(0);
      for (const [call, , key] of calls) {
        // KEYS[i], or a helper's parameter (or a choice between two) that every caller fills from KEYS.
        expect(key?.trim(), `${script.name}: ${call}`).toMatch(/^(KEYS\[\d+\]|KEYS\[i\]|key|docs|org|orgm|set|r\.key)$/);
      }
    }
  });

  it('touches one slot per collection, and in a script only the keys it declared (MONITOR)', async () => {
    const name = 'users';
    const users = createRedisCollection<User>({
      client,
      prefix,
      name,
      unique: (user) => ({ email: user.email }),
      tenancy: { paths: (user) => user.organizationPaths },
    });
    const slot = keySlot(`${prefix}col:{${name}}:docs`);
    const monitor = await client.monitor();
    const seen: Seen[] = [];
    const marker = `end-of-workload ${prefix}`; // not a key of ours
    const done = new Promise<void>((resolve) => {
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        seen.push({ args, source });
        if (args[0]?.toLowerCase() === 'echo' && args[1] === marker) resolve();
      });
    });
    try {
      await users.create({ id: 'u1', email: 'a@example.com', organizationPaths: ['r1#c1'] });
      await users.create({ id: 'u2', email: 'b@example.com', organizationPaths: ['r1#c1#s1', 'r1#c2'] });
      await users.create({ id: 'u3', email: 'a@example.com', organizationPaths: [] }); // conflict
      await users.update('u1', (user) => ({ ...user, email: 'c@example.com', organizationPaths: ['r1#c2', 'r2'] }));
      await users.list();
      await users.list({ within: 'r1', offset: 1, limit: 1 }); // both index sets: the merge
      await users.list({ within: 'r1#c1', limit: 5 });
      await users.count();
      await users.count({ within: 'r1' });
      await users.get('u2');
      await users.findBy('email', 'c@example.com');
      await users.delete('u2');
      await users.delete('u1');
      await client.echo(marker);
      await done;
    } finally {
      await monitor.disconnect();
    }

    const mine = (key: string | undefined): boolean => key !== undefined && key.startsWith(prefix);
    let declared: Set<string> | null = null;
    let scripts = 0;
    let scriptCommands = 0;
    for (const { args, source } of seen) {
      const command = (args[0] ?? '').toLowerCase();
      if (source === 'lua') {
        // A command of the script that ran last; scripts are atomic, so it is the one seen last.
        if (declared === null) continue; // another client's script
        expect(declared.has(args[1] ?? ''), `${args[0]} ${args[1]} is not among the script's KEYS`).toBe(true);
        scriptCommands++;
        continue;
      }
      if (command === 'evalsha' || command === 'eval') {
        const keys = args.slice(3, 3 + Number(args[2]));
        if (!keys.some(mine)) {
          declared = null;
          continue;
        }
        scripts++;
        for (const key of keys) expect(keySlot(key), key).toBe(slot);
        declared = new Set(keys);
        continue;
      }
      declared = null;
      if (mine(args[1])) expect(keySlot(args[1] as string), `${args[0]} ${args[1]}`).toBe(slot);
    }
    // Not vacuous: every script ran, and their commands were seen.
    expect(scripts).toBeGreaterThanOrEqual(10);
    expect(scriptCommands).toBeGreaterThan(30);
    const shas = new Set(seen.filter(({ args }) => args[0]?.toLowerCase() === 'evalsha').map(({ args }) => args[1]));
    for (const script of COLLECTION_SCRIPTS)
      expect(shas.has(script.sha) || seen.some(({ args }) => args[1] === script.source), script.name).toBe(true);
    // Another collection gets its own tag.
    expect(keySlot(`${prefix}col:{contacts}:docs`)).not.toBe(slot);
  });
});
