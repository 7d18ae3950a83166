/**
 * Failing closed and recovering: an unreachable database, one that accepts connections and never
 * answers, backends killed under the store, a lock held too long, a schema at the wrong version.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { httpErrorFor, isScopeladderError } from '@scopeladder/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomDigest } from '@scopeladder/testing/store-contract';
import { createPostgresDirectory, createPostgresStore, migrate } from './index.js';
import { createTestPool, createTestSchema, uniqueSchema } from './test-support/database.js';

const HOUR = 3_600_000;

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await errorOf(promise);
  return isScopeladderError(error) ? error.code : error === undefined ? undefined : `not a ScopeladderError: ${String(error)}`;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A server that accepts connections and never says a word. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const pool = createTestPool({ application_name: 'scopeladder-failure-test' });
let schema = '';
let drop: () => Promise<void> = async () => {};

beforeAll(async () => {
  ({ schema, drop } = await createTestSchema(pool, 'failure'));
});

afterAll(async () => {
  await drop();
  await pool.end();
});

describe('createPostgresStore options', () => {
  it('refuses misuse with TypeError at construction', () => {
    expect(() => createPostgresStore(undefined as never)).toThrow(TypeError);
    expect(() => createPostgresStore({ pool: {} as pg.Pool })).toThrow(/pg Pool/);
    expect(() => createPostgresStore({ pool, schema: 'Bad-Name' })).toThrow(/schema/);
    expect(() => createPostgresStore({ pool, schema: 'x; DROP SCHEMA public' })).toThrow(TypeError);
    expect(() => createPostgresStore({ pool, timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => createPostgresStore({ pool, timeoutMs: 1.5 })).toThrow(/timeoutMs/);
    expect(() => createPostgresStore({ pool, expiryGraceMs: -1 })).toThrow(/expiryGraceMs/);
    expect(() => createPostgresStore({ pool, maxSessionsPerUser: 0 })).toThrow(/maxSessionsPerUser/);
    expect(() => createPostgresDirectory({ pool, schema: '' })).toThrow(TypeError);
    expect(createPostgresStore({ pool }).schema).toBe('scopeladder');
  });

  it('rejects misuse of methods with TypeError before any round trip', async () => {
    const store = createPostgresStore({ pool: new pg.Pool({ port: await closedPort() }), schema });
    await expect(store.findApiKey('')).rejects.toThrow(TypeError);
    await expect(store.hit('k', 0, Date.now())).rejects.toThrow(TypeError);
    await expect(store.isFamilyRevoked('f', Number.NaN)).rejects.toThrow(TypeError);
  });
});

describe('schema version', () => {
  it('refuses a schema that was never migrated, with a clear error, and works once it is', async () => {
    const fresh = uniqueSchema('unmigrated');
    const store = createPostgresStore({ pool, schema: fresh });
    const error = await errorOf(store.isAccessTokenRevoked('j', Date.now()));
    expect(isScopeladderError(error) && error.code).toBe('ERR_INTERNAL');
    expect(String((error as Error).message)).toMatch(new RegExp(`schema "${fresh}" has no scopeladder migrations.*run migrate`));
    expect(await store.ping()).toBe(false);
    try {
      await migrate({ pool, schema: fresh });
      expect(await store.isAccessTokenRevoked('j', Date.now())).toBe(false);
      expect(await store.ping()).toBe(true);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${fresh}" CASCADE`);
    }
  });

  it('refuses a schema migrated by a newer release', async () => {
    const { schema: newer, drop: dropNewer } = await createTestSchema(pool, 'newer');
    try {
      await pool.query(`INSERT INTO "${newer}".scopeladder_migrations (version, name, checksum) VALUES (99, 'future', 'x')`);
      const error = await errorOf(createPostgresStore({ pool, schema: newer }).findApiKey('d'));
      expect(String((error as Error).message)).toMatch(/version 99.*upgrade @scopeladder\/postgres/);
    } finally {
      await dropNewer();
    }
  });
});

describe('fail closed, recover by itself', () => {
  it('answers ERR_STORE_UNAVAILABLE (503) at once when nothing listens', async () => {
    const dead = new pg.Pool({ host: '127.0.0.1', port: await closedPort(), user: 'postgres', database: 'test' });
    const store = createPostgresStore({ pool: dead, schema, timeoutMs: 500 });
    const started = Date.now();
    const error = await errorOf(store.isFamilyRevoked('f', Date.now()));
    expect(isScopeladderError(error) && error.code).toBe('ERR_STORE_UNAVAILABLE');
    expect(httpErrorFor(error).status).toBe(503);
    expect(String((error as Error).message)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await store.ping()).toBe(false);
    await dead.end();
  });

  it('bounds every call by timeoutMs when the server accepts and never answers', async () => {
    const silent = await silentServer();
    const hanging = new pg.Pool({ host: '127.0.0.1', port: silent.port, user: 'postgres', database: 'test' });
    hanging.on('error', () => {});
    try {
      const store = createPostgresStore({ pool: hanging, schema, timeoutMs: 300 });
      const started = Date.now();
      const codes = await Promise.all([
        codeOf(
          store.rotateRefreshToken(randomDigest(), { digest: randomDigest(), userId: 'u', familyId: 'f', expiresAt: Date.now() + HOUR }, Date.now()),
        ),
        codeOf(store.hit('k', 60_000, Date.now())),
        codeOf(store.findApiKey(randomDigest())),
      ]);
      expect(codes).toEqual(['ERR_STORE_UNAVAILABLE', 'ERR_STORE_UNAVAILABLE', 'ERR_STORE_UNAVAILABLE']);
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      await silent.close();
      await hanging.end().catch(() => {});
    }
  });

  it('recovers by itself after its connections are killed, idle or in the middle of a statement', async () => {
    const store = createPostgresStore({ pool, schema, timeoutMs: 2000 });
    const kill = `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'scopeladder-failure-test' AND pid <> pg_backend_pid()`;
    const admin = new pg.Client({ connectionString: pool.options.connectionString as string });
    await admin.connect();
    try {
      expect(await store.isAccessTokenRevoked('j', Date.now())).toBe(false);
      // Idle connections killed: the pool drops them and the next call opens a fresh one.
      await admin.query(kill);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await store.isAccessTokenRevoked('j', Date.now())).toBe(false);
      // A connection killed while the store's statement waits (on a row lock the admin holds):
      // that call fails closed, the next one works.
      const old = { digest: randomDigest(), userId: 'u-kill', familyId: 'f-kill', expiresAt: Date.now() + HOUR };
      await store.saveRefreshToken(old);
      await admin.query('BEGIN');
      await admin.query(`SELECT 1 FROM "${schema}".refresh_tokens WHERE digest = $1 FOR UPDATE`, [old.digest]);
      const next = { digest: randomDigest(), userId: 'u-kill', familyId: 'f-kill', expiresAt: Date.now() + HOUR };
      const waiting = codeOf(store.rotateRefreshToken(old.digest, next, Date.now()));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await admin.query(kill);
      expect(await waiting).toBe('ERR_STORE_UNAVAILABLE');
      await admin.query('ROLLBACK');
      expect((await store.rotateRefreshToken(old.digest, next, Date.now())).status).toBe('rotated');
      await store.revokeAccessToken('j', Date.now() + HOUR);
      expect(await store.isAccessTokenRevoked('j', Date.now())).toBe(true);
    } finally {
      await admin.end();
    }
  });

  it('gives up on a lock held too long (lock_timeout) with ERR_STORE_UNAVAILABLE, and works once it is released', async () => {
    const store = createPostgresStore({ pool, schema, timeoutMs: 300 });
    const old = { digest: randomDigest(), userId: 'u-lock', familyId: 'f-lock', expiresAt: Date.now() + HOUR };
    await store.saveRefreshToken(old);
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM "${schema}".refresh_tokens WHERE digest = $1 FOR UPDATE`, [old.digest]);
      const next = { digest: randomDigest(), userId: 'u-lock', familyId: 'f-lock', expiresAt: Date.now() + HOUR };
      const started = Date.now();
      expect(await codeOf(store.rotateRefreshToken(old.digest, next, Date.now()))).toBe('ERR_STORE_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(1500);
      await holder.query('ROLLBACK');
      expect((await store.rotateRefreshToken(old.digest, next, Date.now())).status).toBe('rotated');
    } finally {
      holder.release();
    }
  });
});
