// A master of a Redis Cluster dies under load (issue #15): until its replica is promoted, calls
// that need it fail closed with ERR_STORE_UNAVAILABLE (503) — never a wrong answer (a revoked
// family reported live), never ERR_INTERNAL (500) — and then the same store serves again, with
// nothing restarted. A local cluster of three masters with one replica each, started here.
import { randomBytes } from 'node:crypto';
import { isScopeladderError } from '@scopeladder/core';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomDigest } from '@scopeladder/testing/store-contract';
import type { RefreshTokenRecord } from '@scopeladder/tokens';
import { createRedisStore } from './index.js';
import { keySlot, startLocalRedisCluster, type LocalRedisCluster } from '../../../test/support/redis-cluster.js';

const HOUR = 3_600_000;

let cluster: LocalRedisCluster | undefined;
let client: Cluster;

beforeAll(async () => {
  cluster = await startLocalRedisCluster({ replicas: 1, nodeTimeoutMs: 1000, timeoutMs: 30_000 });
  client = cluster.connect();
  await client.ping();
}, 60_000);

afterAll(async () => {
  client?.disconnect();
  await cluster?.stop();
});

/** The port of the master serving `slot` now. */
async function masterOf(slot: number): Promise<number> {
  const ranges = (await client.cluster('SLOTS')) as unknown as [number, number, [string, number, ...unknown[]], ...unknown[]][];
  const range = ranges.find(([from, to]) => from <= slot && slot <= to);
  if (!range) throw new Error(`no master serves slot ${slot}`);
  return range[2][1];
}

describe('token store on a Redis Cluster: a master fails over', () => {
  it('answers ERR_STORE_UNAVAILABLE or the truth while the master is down, and serves again after its replica takes over', async () => {
    const store = createRedisStore({ client, prefix: 'failover:' });
    const now = Date.now();
    const sessions = Array.from({ length: 30 }, (): RefreshTokenRecord => ({
      digest: randomDigest(),
      userId: randomBytes(8).toString('hex'),
      familyId: randomBytes(16).toString('hex'),
      expiresAt: now + HOUR,
    }));
    await Promise.all(sessions.map((record) => store.saveRefreshToken(record)));
    const revoked = sessions.filter((_, n) => n % 2 === 0);
    await Promise.all(revoked.map((record) => store.revokeFamily(record.familyId, now + HOUR)));
    // Acknowledged by the replicas before the kill (replication is asynchronous).
    await Promise.all(client.nodes('master').map((node) => node.call('WAIT', '1', '2000')));

    const victim = await masterOf(keySlot(`failover:{f:${revoked[0]!.familyId}}:fam`));
    await cluster!.killNode(victim);

    const started = Date.now();
    let unavailable = 0;
    let recoveredAt: number | undefined;
    while (Date.now() - started < 30_000) {
      const answers = await Promise.all(
        sessions.map((record) =>
          store.isFamilyRevoked(record.familyId, now + 1).then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          ),
        ),
      );
      let allAnswered = true;
      for (const [n, answer] of answers.entries()) {
        if ('error' in answer) {
          expect(isScopeladderError(answer.error) && answer.error.code, String(answer.error)).toBe('ERR_STORE_UNAVAILABLE');
          unavailable += 1;
          allAnswered = false;
        } else {
          expect(answer.value, `session ${n}`).toBe(n % 2 === 0);
        }
      }
      if (allAnswered && unavailable > 0) {
        recoveredAt = Date.now();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(unavailable).toBeGreaterThan(0);
    expect(recoveredAt).toBeDefined();
    // The replica serves the slot now, with the revocations it had.
    expect(await masterOf(keySlot(`failover:{f:${revoked[0]!.familyId}}:fam`))).not.toBe(victim);
    const results = await Promise.all(
      sessions.map((record) => store.rotateRefreshToken(record.digest, { ...record, digest: randomDigest() }, now + 2)),
    );
    expect(results.map((result) => result.status)).toEqual(sessions.map((_, n) => (n % 2 === 0 ? 'revoked' : 'rotated')));
  }, 60_000);
});
