// The memory benchmark's measuring (bench/redis-memory/measure.ts) on the test Redis: the sums are
// the keys' MEMORY USAGE, and every key the store writes in the benchmark's operations has a kind
// (a layout change that the benchmark would file under `other` fails here).
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '@scopeladder/redis';
import { createAuthService, createMemoryDirectory, hashPassword } from '@scopeladder/tokens';
import { connectTestRedis, deleteKeys, uniquePrefix } from '../../test/support/redis.js';
import { deltaPer, kindOf, measurePrefix } from './measure.js';

let redis: Redis;
const prefix = uniquePrefix('bench-memory');

beforeAll(async () => {
  redis = await connectTestRedis();
});

afterAll(async () => {
  if (!redis) return;
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

describe('measurePrefix', () => {
  it('sums MEMORY USAGE over the keys under the prefix, per kind, and nothing outside it', async () => {
    const empty = await measurePrefix(redis, prefix);
    expect(empty).toMatchObject({ keys: 0, bytes: 0 });
    await redis.set(`${prefix}jti:a`, '1');
    await redis.hset(`${prefix}ak:b`, { user: 'u', scopes: 'bot' });
    await redis.set(`${prefix}unknown`, 'x');
    await redis.set(`${prefix.slice(0, -1)}-other:jti:c`, '1', 'PX', 60_000);
    const usage = await measurePrefix(redis, prefix);
    const sizes = await Promise.all(['jti:a', 'ak:b', 'unknown'].map((key) => redis.memory('USAGE', `${prefix}${key}`, 'SAMPLES', 0)));
    expect(usage.keys).toBe(3);
    expect(usage.bytes).toBe(sizes.reduce((sum: number, size) => sum + Number(size), 0));
    expect(usage.kinds.get('jti:<jti>')).toEqual({ keys: 1, bytes: sizes[0] });
    expect(usage.kinds.get('ak:<digest>')).toEqual({ keys: 1, bytes: sizes[1] });
    expect(usage.kinds.get('other')).toEqual({ keys: 1, bytes: sizes[2] });
    const delta = deltaPer(empty, usage, 2);
    expect(delta.keys).toBe(1.5);
    expect(delta.kinds.map((kind) => kind.name)).toEqual(['jti:<jti>', 'ak:<digest>', 'other']);
    await redis.del(`${prefix}jti:a`, `${prefix}ak:b`, `${prefix}unknown`, `${prefix.slice(0, -1)}-other:jti:c`);
  });

  it("files every key of the benchmark's operations under a kind of the store's layout", async () => {
    const storePrefix = `${prefix}store:`;
    const store = createRedisStore({ client: redis, prefix: storePrefix });
    const passwordHash = await hashPassword('correct horse battery staple', { N: 2 ** 10 });
    const auth = createAuthService({
      directory: createMemoryDirectory([
        { id: '64b000000000000000000002', email: 'agent@bench.invalid', role: 'agent', passwordHash },
        { id: '64b000000000000000000004', email: 'bot@bench.invalid', role: 'bot', kind: 'bot' },
      ]),
      store,
      keys: { algorithm: 'HS256', secret: 'k'.repeat(32) },
    });
    const session = await auth.login({ email: 'agent@bench.invalid', password: 'correct horse battery staple' }, { source: '10.0.0.1' });
    await auth.login({ email: 'agent@bench.invalid', password: 'correct horse battery staple' }, { source: '10.0.0.1' });
    await auth.refresh(session.refreshToken);
    await auth.logout(session.token);
    await auth.createApiKey('64b000000000000000000004', ['bot']);
    const usage = await measurePrefix(redis, storePrefix);
    expect(usage.kinds.get('other')).toBeUndefined();
    expect([...usage.kinds.keys()].sort()).toEqual(
      [
        '{f:<familyId>}:rt:<digest>',
        '{f:<familyId>}:fam',
        'rt:<digest>',
        '{u:<userId>}:ufam',
        'jti:<jti>',
        'ak:<digest>',
        'akid:<id>',
        '{u:<userId>}:aku',
        'hit:<key>',
        '{ev}:events',
      ].sort(),
    );
    await store.close();
  });

  it('kindOf: a tag of one kind never names another', () => {
    expect(kindOf('{u:1}:ufam')).toBe('{u:<userId>}:ufam');
    expect(kindOf('{f:1}:fam')).toBe('{f:<familyId>}:fam');
    expect(kindOf('{f:1}:ufam')).toBe('other');
    expect(kindOf('{u:1}:rt:abc')).toBe('other');
    expect(kindOf('akid:1')).toBe('akid:<id>');
  });
});
