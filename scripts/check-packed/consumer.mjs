// The ESM consumer of the packed packages (scripts/check-packed.mjs runs it with node in a project
// that installed the tarballs with npm): every public entry point imported, each package used for
// real — the three adapters over real sockets or inject, @scopeladder/redis on ioredis 6 against
// the test Redis — and the dual-package hazard the core README documents, checked.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import * as core from '@scopeladder/core';
import { chatshipperPolicy, httpErrorFor, isScopeladderError, parseScope, ScopeladderError, subject } from '@scopeladder/core';
import { createAuthService, createMemoryDirectory, hashPassword } from '@scopeladder/tokens';
import { readAuthorization, toScopeladderError } from '@scopeladder/tokens/http';
import { DIAGNOSTICS_CHANNELS } from '@scopeladder/tokens/diagnostics';
import { createScopeladderInstrumentation, METRIC_NAMES } from '@scopeladder/otel';
import express from 'express';
import { createExpressAuth } from '@scopeladder/express';
import Fastify from 'fastify';
import scopeladder from '@scopeladder/fastify';
import Koa from 'koa';
import { createKoaAuth } from '@scopeladder/koa';
import { Redis } from 'ioredis';
import { createRedisCollection, createRedisStore } from '@scopeladder/redis';
import { createPostgresDirectory, createPostgresStore, migrate, toSqlFilter } from '@scopeladder/postgres';
import pg from 'pg';
import { assertDenyByDefault, decisionTable } from '@scopeladder/testing';

const require = createRequire(import.meta.url);
// chatshipperPolicy has tenancy: a principal acts in an organization (its path), records carry theirs.
const admin = { id: '5f0c8a1e9b3d2c4a6e8f0a1b', scopes: ['admin'], organization: 'r1', organizationPath: 'r1' };
const guest = { id: '5f0c8a1e9b3d2c4a6e8f0a1c', scopes: ['guest'], organization: 'r1', organizationPath: 'r1' };

// core
assert.equal(chatshipperPolicy.can(admin, 'list', 'User'), true);
assert.equal(chatshipperPolicy.can(guest, 'list', 'User'), false);
assert.equal(chatshipperPolicy.can(guest, 'fetch', subject('User', { id: guest.id, organizationPaths: ['r1'] })), true);
assert.equal(chatshipperPolicy.can(guest, 'fetch', subject('User', { id: guest.id, organizationPaths: ['r2'] })), false);
assert.deepEqual(parseScope('agent').scopes, ['agent']);

// The dual-package hazard (core README, "One error class, two builds"): the CommonJS build's
// error is not an instance of the ESM build's class, and isScopeladderError still knows it.
const cjsCore = require('@scopeladder/core');
assert.notEqual(cjsCore.ScopeladderError, ScopeladderError, 'the two builds have two classes');
const fromCjs = new cjsCore.ScopeladderError('ERR_FORBIDDEN', 'denied');
assert.equal(fromCjs instanceof ScopeladderError, false);
assert.equal(isScopeladderError(fromCjs), true);
assert.equal(cjsCore.isScopeladderError(new ScopeladderError('ERR_FORBIDDEN', 'denied')), true);
assert.equal(httpErrorFor(fromCjs).status, 403);
assert.equal(httpErrorFor(fromCjs).body.code, 'ERR_FORBIDDEN');
assert.equal(typeof core.definePolicy, 'function');

// tokens
const password = 'correct horse battery staple';
const directory = createMemoryDirectory(
  [{ id: admin.id, email: 'ada@example.com', role: 'admin', organization: 'r1', passwordHash: await hashPassword(password) }],
  { organizations: [{ id: 'r1', path: 'r1' }] },
);
const service = createAuthService({ directory, keys: { algorithm: 'HS256', secret: randomBytes(32).toString('hex') } });
const session = await service.login({ email: 'ada@example.com', password }, { source: '127.0.0.1' });
const context = await service.authenticate(`Bearer ${session.token}`);
assert.equal(context.principal.id, admin.id);
await assert.rejects(service.authenticate('Bearer nope'), (error) => isScopeladderError(error));

// tokens/diagnostics
assert.deepEqual([...DIAGNOSTICS_CHANNELS], ['scopeladder:decision', 'scopeladder:authenticate', 'scopeladder:credential']);

// otel (with @opentelemetry/api's no-op global providers: it subscribes, and records nowhere)
const instrumentation = createScopeladderInstrumentation();
instrumentation.enable();
await service.authenticate(`Bearer ${session.token}`);
instrumentation.disable();
assert.equal(METRIC_NAMES.refreshReuses, 'scopeladder.refresh.reuses');

// tokens/http
assert.equal(readAuthorization({ headers: { authorization: 'Bearer x' } }), 'Bearer x');
assert.equal(isScopeladderError(toScopeladderError(Object.assign(new Error('x'), { type: 'entity.parse.failed', status: 400 }))), true);

const bearer = { authorization: `Bearer ${session.token}` };

/** Serves `handler` on a free port, runs `use(baseUrl)`, closes. */
async function serve(handler, use) {
  const { createServer } = await import('node:http');
  const server = createServer(handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await use(`http://127.0.0.1:${server.address().port}`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

// express
const expressAuth = createExpressAuth({ service });
const expressApp = express();
expressApp.use('/v2', expressAuth.authenticate);
expressApp.get('/v2/conversations', expressAuth.authorize('list', 'Conversation'), (req, res) => res.json({ by: req.auth.principal.id }));
expressApp.use(expressAuth.errorHandler);
await serve(expressApp, async (base) => {
  assert.equal((await fetch(`${base}/v2/conversations`)).status, 401);
  const ok = await fetch(`${base}/v2/conversations`, { headers: bearer });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { by: admin.id });
});

// fastify
const fastifyApp = Fastify();
await fastifyApp.register(scopeladder, { service, jsonBody: true });
fastifyApp.get('/v2/conversations', { config: { scopeladder: { action: 'list', subject: 'Conversation' } } }, async (request) => ({
  by: request.auth.principal.id,
}));
assert.equal((await fastifyApp.inject({ url: '/v2/conversations' })).statusCode, 401);
const fastifyOk = await fastifyApp.inject({ url: '/v2/conversations', headers: bearer });
assert.equal(fastifyOk.statusCode, 200);
assert.deepEqual(fastifyOk.json(), { by: admin.id });
await fastifyApp.close();

// koa
const koaAuth = createKoaAuth({ service });
const koaApp = new Koa();
koaApp.use(koaAuth.errorHandler);
koaApp.use(koaAuth.authenticate);
koaApp.use(koaAuth.authorize('list', 'Conversation'));
koaApp.use((ctx) => {
  ctx.body = { by: ctx.state.auth.principal.id };
});
await serve(koaApp.callback(), async (base) => {
  assert.equal((await fetch(`${base}/`)).status, 401);
  const ok = await fetch(`${base}/`, { headers: bearer });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { by: admin.id });
});

// redis, on the ioredis this project installed (6), against the test Redis, under a unique prefix
const ioredisMajor = require('ioredis/package.json').version.split('.')[0];
assert.equal(ioredisMajor, process.env.EXPECT_IOREDIS_MAJOR ?? ioredisMajor);
const prefix = `scopeladder-packed:${Date.now().toString(36)}-${randomBytes(4).toString('hex')}:`;
const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
try {
  const redisStore = createRedisStore({ client: redis, prefix });
  const record = {
    digest: randomBytes(32).toString('hex'),
    userId: admin.id,
    familyId: randomBytes(16).toString('hex'),
    expiresAt: Date.now() + 60_000,
  };
  await redisStore.saveRefreshToken(record);
  assert.deepEqual(await redisStore.findRefreshToken(record.digest), record);
  const redisService = createAuthService({ directory, store: redisStore, keys: { algorithm: 'HS256', secret: randomBytes(32).toString('hex') } });
  const redisSession = await redisService.login({ email: 'ada@example.com', password }, { source: '127.0.0.1' });
  assert.equal((await redisService.refresh(redisSession.refreshToken)).user, admin.id);
  const users = createRedisCollection({ client: redis, prefix, name: 'users', unique: (user) => ({ email: user.email }) });
  assert.equal((await users.create({ id: admin.id, email: 'ada@example.com' })).status, 'created');
  assert.equal((await users.findBy('email', 'ada@example.com'))?.id, admin.id);
} finally {
  // Tests only: delete this run's keys.
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
}

// postgres, against the test PostgreSQL, in a throw-away schema (migrations found in the tarball)
const pool = new pg.Pool({ connectionString: process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test' });
const pgSchema = `sl_packed_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
try {
  assert.deepEqual((await migrate({ pool, schema: pgSchema })).applied, ['0001_initial', '0002_refresh_token_scope']);
  const pgStore = createPostgresStore({ pool, schema: pgSchema });
  const pgService = createAuthService({ directory, store: pgStore, keys: { algorithm: 'HS256', secret: randomBytes(32).toString('hex') } });
  const pgSession = await pgService.login({ email: 'ada@example.com', password }, { source: '127.0.0.1' });
  assert.equal((await pgService.refresh(pgSession.refreshToken)).user, admin.id);
  assert.equal(await createPostgresDirectory({ pool, schema: pgSchema }).findById('nobody'), null);
  const where = toSqlFilter(
    core.chatshipperTenantPolicy.filterFor({ id: 'u', scopes: ['agent'], organizationPath: 'r1#c1' }, 'list', 'Conversation'),
    {
      columns: { organizationPath: 'org_path' },
    },
  );
  assert.deepEqual(where.values, ['r1#c1', 'r1#c1#%']);
} finally {
  await pool.query(`DROP SCHEMA IF EXISTS "${pgSchema}" CASCADE`);
  await pool.end();
}

// testing
assertDenyByDefault(chatshipperPolicy, { numRuns: 10 });
assert.match(decisionTable(chatshipperPolicy), /Conversation/);

console.log(`ESM consumer: ok (ioredis ${ioredisMajor})`);
