// The PostgreSQL repositories against a real PostgreSQL (127.0.0.1:5432, database `test`, or
// TEST_DATABASE_URL; a missing database fails these tests). Every test gets schemas of its own;
// afterAll drops them all.
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { chatshipperTenantPolicy, isScopeladderError } from '@scopeladder/core';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { newId } from '../lib/ids.js';
import { createLogger } from '../log.js';
import { findOrganizationIn } from './find-organization.js';
import { createPostgresResourceRepository, createPostgresUserRepository } from './postgres.js';
import { migrateServerSchema } from './postgres-migrations.js';
import { describePostgresUrl, openPostgresStorage, PostgresUnavailableError } from './postgres-storage.js';
import { LIST_ALL, describeRepositoryContract } from './repository-contract.js';

const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/test';
const RUN = `cs_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 4 });
const schemas: string[] = [];

async function freshSchema(): Promise<string> {
  const schema = `${RUN}_${schemas.length}`;
  schemas.push(schema);
  expect(await migrateServerSchema({ pool, schema })).toEqual(['0001_records_and_users']);
  return schema;
}

afterAll(async () => {
  for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  const { rows } = await pool.query('SELECT nspname FROM pg_namespace WHERE nspname LIKE $1', [`${RUN}%`]);
  expect(rows).toEqual([]);
  await pool.end();
});

describeRepositoryContract('postgres', async () => {
  const schema = await freshSchema();
  const resources = createPostgresResourceRepository({ pool, schema });
  return { users: createPostgresUserRepository({ pool, schema }, (id) => findOrganizationIn(resources, id)), resources };
});

describe('postgres repositories', () => {
  it('apply the server migrations once: a second run (another instance) finds the schema up to date', async () => {
    const schema = await freshSchema();
    expect(await Promise.all([migrateServerSchema({ pool, schema }), migrateServerSchema({ pool, schema })])).toEqual([[], []]);
  });

  it('filter lists in SQL: the page is read with LIMIT, and the subtree condition is a prefix match on the index', async () => {
    const schema = await freshSchema();
    const resources = createPostgresResourceRepository({ pool, schema });
    // LIKE wildcards in a path are data, not patterns: "r_" must not match "rX".
    for (const organizationPath of ['r_', 'r_#c1', 'rX', 'rX#c1', 'r%#c1'])
      await resources.create('Contact', { id: newId(), organization: 'o', organizationPath });
    const filter = chatshipperTenantPolicy.filterFor({ id: newId(), scopes: ['admin'], organizationPath: 'r_' }, 'list', 'Contact');
    const page = await resources.list('Contact', { filter, within: 'r_', offset: 0, limit: 10 });
    expect(page.items.map((item) => item.organizationPath)).toEqual(['r_', 'r_#c1']);
    // The exact query of a list page, on 20,000 records in 200 organizations: PostgreSQL answers it from the subtree index.
    await pool.query(
      `INSERT INTO "${schema}".records (type, id, organization, organization_path, document)
         SELECT 'Contact', 'k' || n, 'c' || (n % 200), 'r1#c' || (n % 200),
                json_build_object('id', 'k' || n, 'organization', 'c' || (n % 200), 'organizationPath', 'r1#c' || (n % 200))
           FROM generate_series(1, 20000) AS n`,
    );
    await pool.query(`ANALYZE "${schema}".records`);
    const seen: { text: string; values: unknown[] }[] = [];
    const spy = new Proxy(pool, {
      get: (target, key) =>
        key === 'query'
          ? (text: string, values: unknown[]) => {
              seen.push({ text, values });
              return target.query(text, values);
            }
          : Reflect.get(target, key),
    });
    const listing = createPostgresResourceRepository({ pool: spy, schema });
    const inC7 = chatshipperTenantPolicy.filterFor({ id: newId(), scopes: ['admin'], organizationPath: 'r1#c7' }, 'list', 'Contact');
    const found = await listing.list('Contact', { filter: inC7, within: 'r1#c7', offset: 0, limit: 100 });
    expect(found).toMatchObject({ more: false });
    expect(found.items).toHaveLength(100);
    const [query] = seen;
    expect(query?.text).toContain('LIMIT');
    const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${query?.text}`, query?.values);
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).toContain('records_subtree');
  });

  it('keep the field order of a document (json, not jsonb), so answers read as on the other backends', async () => {
    const schema = await freshSchema();
    const resources = createPostgresResourceRepository({ pool, schema });
    const doc = { id: newId(), organization: 'o', zeta: 1, alpha: 2, organizationPath: 'r1' };
    await resources.create('Form', doc);
    expect(Object.keys((await resources.get('Form', doc.id)) ?? {})).toEqual(Object.keys(doc));
  });

  it('fail closed with ERR_STORE_UNAVAILABLE when the database does not answer', async () => {
    const dead = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 500 });
    dead.on('error', () => {});
    try {
      const resources = createPostgresResourceRepository({ pool: dead });
      const users = createPostgresUserRepository({ pool: dead });
      for (const call of [
        () => resources.list('Contact', LIST_ALL),
        () => resources.update('Contact', newId(), {}),
        () => users.findByEmail('a@b.c'),
      ]) {
        const error = await call().then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(isScopeladderError(error) && error.code).toBe('ERR_STORE_UNAVAILABLE');
      }
    } finally {
      await dead.end();
    }
  });
});

describe('openPostgresStorage', () => {
  it('names the database without credentials', () => {
    expect(describePostgresUrl('postgres://app:s3cret@db.internal:5433/chat?sslmode=require')).toBe('postgres://db.internal:5433/chat');
    expect(describePostgresUrl('postgresql://db')).toBe('postgresql://db:5432');
  });

  it('gives up on an unreachable database with a clear error that never shows the password', async () => {
    const lines: string[] = [];
    const logger = createLogger({ out: (line) => lines.push(line), err: (line) => lines.push(line) });
    const error = await openPostgresStorage({ url: 'postgres://app:hunter2secret@127.0.0.1:1/chat', logger, connectTimeoutMs: 300 }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(PostgresUnavailableError);
    expect((error as Error).message).toMatch(/^PostgreSQL at postgres:\/\/127\.0\.0\.1:1\/chat did not answer within 0\.3s/);
    expect(`${(error as Error).message}${lines.join('')}`).not.toContain('hunter2');
  });
});

/**
 * A TCP relay to the test database that can be cut and restored on the same port: PostgreSQL
 * going away and coming back, without touching the shared server.
 */
async function startRelay(): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const target = new URL(TEST_DATABASE_URL);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = (): Promise<void> =>
    new Promise((resolve) => {
      server = createServer((inbound) => {
        const outbound = connect(Number(target.port || 5432), target.hostname);
        for (const socket of [inbound, outbound]) {
          sockets.add(socket);
          socket.on('error', () => {});
          socket.on('close', () => sockets.delete(socket));
        }
        inbound.pipe(outbound).pipe(inbound);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server?.address() as { port: number }).port;
        resolve();
      });
    });
  const cut = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  };
  await listen();
  const url = new URL(TEST_DATABASE_URL);
  url.host = `127.0.0.1:${port}`;
  return { url: url.toString(), cut, restore: listen, close: cut };
}

describe('openPostgresStorage, PostgreSQL going away and coming back', () => {
  it('answers ERR_STORE_UNAVAILABLE and health "down" while it is away, and serves again by itself, with nothing lost', async () => {
    const relay = await startRelay();
    const tokenSchema = `${RUN}_tokens`;
    const schema = `${RUN}_server`;
    schemas.push(tokenSchema, schema);
    const lines: string[] = [];
    // The messages of the JSON log lines.
    const push = (line: string): number => lines.push((JSON.parse(line) as { msg: string }).msg);
    const logger = createLogger({ out: push, err: push });
    const storage = await openPostgresStorage({ url: relay.url, logger, tokenSchema, schema, queryTimeoutMs: 500 });
    try {
      expect(lines).toEqual([
        'postgres: applied @scopeladder/postgres migrations 0001_initial, 0002_refresh_token_scope (schema version 2)',
        'postgres: applied server migrations 0001_records_and_users',
      ]);
      expect(await storage.check()).toEqual({ ok: true, details: { postgres: 'up' } });
      const user = { id: newId(), email: 'ada@example.com', role: 'agent', kind: 'user' as const, profile: {} };
      await storage.users.create(user);

      await relay.cut();
      expect(await storage.check()).toEqual({ ok: false, details: { postgres: 'down' } });
      for (const call of [
        () => storage.users.findById(user.id),
        () => storage.resources.get('Contact', newId()),
        () => storage.tokenStore.isAccessTokenRevoked('jti', Date.now()),
      ]) {
        const error = await call().then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(isScopeladderError(error) && error.code).toBe('ERR_STORE_UNAVAILABLE');
      }

      await relay.restore();
      expect(await storage.check()).toEqual({ ok: true, details: { postgres: 'up' } });
      expect(await storage.users.findById(user.id)).toEqual(user);
    } finally {
      await storage.close();
      await relay.close();
    }
  });
});
