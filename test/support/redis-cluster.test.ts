import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRedisCluster, type LocalRedisCluster } from './redis-cluster.js';

// The local cluster the Redis Cluster tests run on: it must really be a cluster (slots spread over
// three masters, cross-slot scripts refused), and `stop()` must leave nothing running.
describe('startLocalRedisCluster', () => {
  let cluster: LocalRedisCluster;

  beforeAll(async () => {
    cluster = await startLocalRedisCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('serves every slot from three masters', async () => {
    const client = cluster.connect();
    try {
      const slots = (await client.cluster('SLOTS')) as [number, number, ...unknown[]][];
      expect(new Set(slots.map((range) => JSON.stringify(range[2]))).size).toBe(3);
      expect(slots.reduce((sum, [from, to]) => sum + (to - from + 1), 0)).toBe(16_384);
      await client.set('a', '1');
      await client.set('b', '2');
      await client.set('c', '3');
      expect(await Promise.all(['a', 'b', 'c'].map((key) => client.get(key)))).toEqual(['1', '2', '3']);
    } finally {
      client.disconnect();
    }
  });

  it('refuses a script over keys of two slots, and runs one over one hash tag', async () => {
    const client = cluster.connect();
    try {
      // 'a' and 'b' hash to different slots (15495, 3300).
      await expect(client.eval("return redis.call('SET', KEYS[1], 'x') and redis.call('SET', KEYS[2], 'y')", 2, 'a', 'b')).rejects.toThrow(
        /CROSSSLOT/,
      );
      await expect(client.eval("redis.call('SET', KEYS[1], 'x'); return redis.call('SET', KEYS[2], 'y')", 2, '{u:1}a', '{u:1}b')).resolves.toBe('OK');
    } finally {
      client.disconnect();
    }
  });

  it('refuses a port range it cannot use', async () => {
    for (const ports of [
      [7300, 7299],
      [0, 10],
      [7300, 60_000],
      [7300.5, 7399],
    ] as const) {
      await expect(startLocalRedisCluster({ ports })).rejects.toThrow(TypeError);
    }
  });

  it('stop() kills the nodes it started, taken from the port range asked for', async () => {
    const other = await startLocalRedisCluster({ ports: [7300, 7399] });
    for (const { port } of other.nodes) {
      expect(port).toBeGreaterThanOrEqual(7300);
      expect(port).toBeLessThanOrEqual(7399);
    }
    const client = other.connect();
    await client.ping();
    client.disconnect();
    await other.stop();
    await other.stop(); // idempotent
    for (const { port } of other.nodes) {
      const refused = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      expect(refused).toBe('ECONNREFUSED');
    }
  }, 60_000);
});
