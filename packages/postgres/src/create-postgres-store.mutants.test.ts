// Tests for mutants of create-postgres-store.ts that survived the postgres tests (issue "Test
// strength"): the options at their exact bounds and their messages; each method's refusal of a bad
// argument, naming the argument; the per-user advisory lock (its key is the protocol between
// instances); an API key replaced by id or by digest; purgeExpired's grace (a revocation inside
// it is never dropped) and its counts per table; ping on a connection that stops answering. Each
// fails with its mutant applied. See docs/testing.md, "postgres".
import { createServer, type Server, type Socket, connect } from 'node:net';
import { isScopeladderError } from '@scopeladder/core';
import { randomDigest } from '@scopeladder/testing/store-contract';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore, type PostgresTokenStore } from './create-postgres-store.js';
import { createTestPool, createTestSchema, TEST_DATABASE_URL, uniqueSchema } from './test-support/database.js';
import { typeErrorOf } from './test-support/type-error-of.js';

const HOUR = 3_600_000;
const pool = createTestPool();
let schema = '';
let drop: () => Promise<void> = async () => {};

beforeAll(async () => {
  ({ schema, drop } = await createTestSchema(pool, 'store_mutants'));
});

afterAll(async () => {
  await drop();
  await pool.end();
});

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof Error)) throw new Error(`expected a rejection with an Error, got ${String(error)}`);
  return error;
}

describe('createPostgresStore options, at their exact bounds', () => {
  it('refuses options that are not an object', () => {
    const message = 'createPostgresStore: options must be an object';
    expect(typeErrorOf(() => createPostgresStore(undefined as never))).toBe(message);
    expect(typeErrorOf(() => createPostgresStore(null as never))).toBe(message);
  });

  it('takes expiryGraceMs from 0, maxSessionsPerUser from 1 to 10000', () => {
    expect(createPostgresStore({ pool, schema, expiryGraceMs: 0 }).schema).toBe(schema);
    expect(createPostgresStore({ pool, schema, maxSessionsPerUser: 1 }).schema).toBe(schema);
    expect(createPostgresStore({ pool, schema, maxSessionsPerUser: 10_000 }).schema).toBe(schema);
    expect(typeErrorOf(() => createPostgresStore({ pool, schema, maxSessionsPerUser: 10_001 }))).toBe(
      'createPostgresStore: `maxSessionsPerUser` must be an integer from 1 to 10000',
    );
    expect(typeErrorOf(() => createPostgresStore({ pool, schema, expiryGraceMs: -1 }))).toBe(
      'createPostgresStore: `expiryGraceMs` must be an integer >= 0',
    );
  });

  it('maxSessionsPerUser 1: a second session of a user revokes the first, not another user’s', async () => {
    const store = createPostgresStore({ pool, schema, maxSessionsPerUser: 1 });
    const expiresAt = Date.now() + HOUR;
    await store.saveRefreshToken({ digest: randomDigest(), userId: 'cap-1', familyId: 'cap-1-a', expiresAt });
    await store.saveRefreshToken({ digest: randomDigest(), userId: 'cap-2', familyId: 'cap-2-a', expiresAt });
    await store.saveRefreshToken({ digest: randomDigest(), userId: 'cap-1', familyId: 'cap-1-b', expiresAt });
    expect(await store.isFamilyRevoked('cap-1-a', Date.now())).toBe(true);
    expect(await store.isFamilyRevoked('cap-1-b', Date.now())).toBe(false);
    expect(await store.isFamilyRevoked('cap-2-a', Date.now())).toBe(false);
  });

  it('names createPostgresStore when the schema is not migrated', async () => {
    const bare = uniqueSchema('bare');
    const error = await rejectionOf(createPostgresStore({ pool, schema: bare }).isAccessTokenRevoked('j', Date.now()));
    expect(isScopeladderError(error) && error.code).toBe('ERR_INTERNAL');
    expect(error.message).toMatch(new RegExp(`^createPostgresStore: schema "${bare}" has no scopeladder migrations`));
  });
});

describe('each method refuses a bad argument, naming it, before any round trip', () => {
  it.each<[string, (store: PostgresTokenStore) => Promise<unknown>, string]>([
    ['saveRefreshToken', (s) => s.saveRefreshToken(null as never), 'record must be a record'],
    ['findRefreshToken', (s) => s.findRefreshToken(''), 'digest must be a non-empty string'],
    ['revokeFamily', (s) => s.revokeFamily('', 1), 'familyId must be a non-empty string'],
    ['revokeFamily', (s) => s.revokeFamily('f', Number.NaN), 'expiresAt must be a finite number (epoch milliseconds)'],
    ['isFamilyRevoked', (s) => s.isFamilyRevoked('', 1), 'familyId must be a non-empty string'],
    ['isFamilyRevoked', (s) => s.isFamilyRevoked('f', Number.NaN), 'now must be a finite number (epoch milliseconds)'],
    ['revokeFamiliesOfUser', (s) => s.revokeFamiliesOfUser('', 1), 'userId must be a non-empty string'],
    ['revokeFamiliesOfUser', (s) => s.revokeFamiliesOfUser('u', Number.NaN), 'now must be a finite number (epoch milliseconds)'],
    ['revokeAccessToken', (s) => s.revokeAccessToken('', 1), 'jti must be a non-empty string'],
    ['revokeAccessToken', (s) => s.revokeAccessToken('j', Number.NaN), 'expiresAt must be a finite number (epoch milliseconds)'],
    ['isAccessTokenRevoked', (s) => s.isAccessTokenRevoked('', 1), 'jti must be a non-empty string'],
    ['isAccessTokenRevoked', (s) => s.isAccessTokenRevoked('j', Number.NaN), 'now must be a finite number (epoch milliseconds)'],
    ['saveApiKey', (s) => s.saveApiKey(null as never), 'record must be a record'],
    ['findApiKey', (s) => s.findApiKey(''), 'digest must be a non-empty string'],
    ['deleteApiKey', (s) => s.deleteApiKey(''), 'id must be a non-empty string'],
    ['deleteApiKeysOfUser', (s) => s.deleteApiKeysOfUser(''), 'userId must be a non-empty string'],
    ['listApiKeysOfUser', (s) => s.listApiKeysOfUser(''), 'userId must be a non-empty string'],
    ['hit', (s) => s.hit('', 1, 1), 'key must be a non-empty string'],
    ['hit', (s) => s.hit('k', 0, 1), 'windowMs must be a positive number of milliseconds'],
    ['hit', (s) => s.hit('k', 1, Number.NaN), 'now must be a finite number (epoch milliseconds)'],
    ['peek', (s) => s.peek('', 1), 'key must be a non-empty string'],
    ['peek', (s) => s.peek('k', Number.NaN), 'now must be a finite number (epoch milliseconds)'],
    ['releaseHit', (s) => s.releaseHit('', 1), 'key must be a non-empty string'],
    ['releaseHit', (s) => s.releaseHit('k', Number.NaN), 'resetAt must be a finite number (epoch milliseconds)'],
    ['clearHits', (s) => s.clearHits(''), 'key must be a non-empty string'],
    ['purgeExpired', (s) => s.purgeExpired(Number.NaN), 'now must be a finite number (epoch milliseconds)'],
  ])('%s: %s', async (_name, call, message) => {
    const error = await rejectionOf(call(createPostgresStore({ pool, schema })));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(message);
  });
});

describe('the per-user advisory lock', () => {
  it('is the lock on "scopeladder:<schema>:user:<id>": another instance holding it holds back that user only', async () => {
    const store = createPostgresStore({ pool, schema, timeoutMs: 300 });
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`scopeladder:${schema}:user:u-held`]);
      const held = await rejectionOf(
        store.saveRefreshToken({ digest: randomDigest(), userId: 'u-held', familyId: 'f-held', expiresAt: Date.now() + HOUR }),
      );
      expect(isScopeladderError(held) && held.code).toBe('ERR_STORE_UNAVAILABLE');
      await store.saveRefreshToken({ digest: randomDigest(), userId: 'u-free', familyId: 'f-free', expiresAt: Date.now() + HOUR });
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    await store.saveRefreshToken({ digest: randomDigest(), userId: 'u-held', familyId: 'f-held', expiresAt: Date.now() + HOUR });
  });
});

describe('saveApiKey replaces', () => {
  const key = (digest: string, id: string) => ({ digest, id, userId: 'u-keys', scopes: ['bot'], createdAt: 1_000 });

  it('the key with the same id (its old digest stops working), and the key with the same digest', async () => {
    const store = createPostgresStore({ pool, schema });
    const [d1, d2] = [randomDigest(), randomDigest()];
    await store.saveApiKey(key(d1, 'k1'));
    await store.saveApiKey(key(d2, 'k1'));
    expect(await store.findApiKey(d1)).toBeNull();
    expect(await store.findApiKey(d2)).toEqual(key(d2, 'k1'));
    await store.saveApiKey(key(d2, 'k2'));
    expect(await store.findApiKey(d2)).toEqual(key(d2, 'k2'));
    expect(await store.deleteApiKey('k1')).toBe(false);
    expect(await store.listApiKeysOfUser('u-keys')).toEqual([key(d2, 'k2')]);
  });
});

describe('purgeExpired', () => {
  // Its own schema: the counts are of every row in it.
  let purgeSchema = '';
  let dropPurge: () => Promise<void> = async () => {};
  beforeAll(async () => {
    ({ schema: purgeSchema, drop: dropPurge } = await createTestSchema(pool, 'purge'));
  });
  afterAll(async () => {
    await dropPurge();
  });

  it('keeps everything inside the grace, then deletes one row per table past it', async () => {
    const now = Date.now();
    const until = now + 1_000;
    const store = createPostgresStore({ pool, schema: purgeSchema, expiryGraceMs: 60_000 });
    await store.saveRefreshToken({ digest: 'purge-digest', userId: 'u-purge', familyId: 'f-live', expiresAt: until });
    await store.revokeFamily('f-revoked', until);
    await store.revokeAccessToken('j-revoked', until);
    await store.hit('k-purge', 1_000, now);
    const nothing = { refreshTokens: 0, revokedFamilies: 0, userFamilies: 0, revokedAccessTokens: 0, throttleCounters: 0 };

    // 1 ms past every expiry, well inside the minute of grace: nothing goes, the revocations hold.
    expect(await store.purgeExpired(until + 1)).toEqual(nothing);
    expect(await store.isFamilyRevoked('f-revoked', now)).toBe(true);
    expect(await store.isAccessTokenRevoked('j-revoked', now)).toBe(true);
    expect(await store.findRefreshToken('purge-digest')).not.toBeNull();

    // Without grace, the same moment is past everything: one row of each table.
    const strict = createPostgresStore({ pool, schema: purgeSchema, expiryGraceMs: 0 });
    expect(await strict.purgeExpired(until + 1)).toEqual({
      refreshTokens: 1,
      revokedFamilies: 1,
      userFamilies: 1,
      revokedAccessTokens: 1,
      throttleCounters: 1,
    });
    expect(await strict.purgeExpired(until + 1)).toEqual(nothing);
    expect(await strict.findRefreshToken('purge-digest')).toBeNull();
  });
});

/** A TCP proxy to the test PostgreSQL that can stop passing the clients' bytes on (a server that no longer answers). */
async function freezableProxy(): Promise<{ port: number; freeze(): void; close(): Promise<void> }> {
  const target = new URL(TEST_DATABASE_URL);
  const sockets = new Set<Socket>();
  let frozen = false;
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
    }
    client.on('data', (chunk) => {
      if (!frozen) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    freeze: () => {
      frozen = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('ping', () => {
  it('asks the server every time: a pooled connection that stops answering is false', async () => {
    const proxy = await freezableProxy();
    const url = new URL(TEST_DATABASE_URL);
    url.host = `127.0.0.1:${proxy.port}`;
    const proxied = createTestPool({ connectionString: url.toString(), max: 1 });
    try {
      const store = createPostgresStore({ pool: proxied as pg.Pool, schema, timeoutMs: 300 });
      expect(await store.ping()).toBe(true); // the schema check passed: it is not asked again
      proxy.freeze();
      expect(await store.ping()).toBe(false);
    } finally {
      await proxy.close();
      await proxied.end().catch(() => {});
    }
  });
});
