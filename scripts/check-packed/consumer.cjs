// The CommonJS consumer of the packed packages: every public entry point `require`d (the
// store-contract subpath only resolved: it imports vitest, which runs only inside vitest), core,
// tokens and an adapter used for real.
const assert = require('node:assert/strict');
const { randomBytes } = require('node:crypto');
const { chatshipperPolicy, isScopeladderError } = require('@scopeladder/core');
const { createAuthService, createMemoryDirectory, hashPassword } = require('@scopeladder/tokens');
const http = require('@scopeladder/tokens/http');
const diagnostics = require('@scopeladder/tokens/diagnostics');
const { createExpressAuth } = require('@scopeladder/express');
const fastifyAdapter = require('@scopeladder/fastify');
const { createKoaAuth } = require('@scopeladder/koa');
const { createRedisStore, createRedisCollection } = require('@scopeladder/redis');
const { createPostgresStore, migrate, toSqlFilter } = require('@scopeladder/postgres');
const testing = require('@scopeladder/testing');
const otel = require('@scopeladder/otel');
const express = require('express');

assert.match(require.resolve('@scopeladder/testing/store-contract'), /store-contract[\\/]index\.cjs$/);
for (const name of [
  '@scopeladder/core',
  '@scopeladder/tokens',
  '@scopeladder/tokens/http',
  '@scopeladder/tokens/diagnostics',
  '@scopeladder/redis',
  '@scopeladder/postgres',
  '@scopeladder/otel',
]) {
  assert.match(require.resolve(name), /\.cjs$/, `${name} resolves to its CommonJS build`);
}
assert.equal(typeof fastifyAdapter.scopeladderPlugin, 'function');
assert.equal(fastifyAdapter.default, fastifyAdapter.scopeladderPlugin);
assert.equal(typeof http.readJsonBody, 'function');
assert.equal(diagnostics.DECISION_CHANNEL, 'scopeladder:decision');
const instrumentation = otel.createScopeladderInstrumentation();
instrumentation.enable();
assert.equal(instrumentation.enabled, true);
instrumentation.disable();
assert.equal(typeof createRedisStore, 'function');
assert.equal(typeof createRedisCollection, 'function');
assert.equal(typeof createPostgresStore, 'function');
assert.equal(typeof migrate, 'function');
assert.equal(toSqlFilter(chatshipperPolicy.filterFor({ id: 'a', scopes: [] }, 'list', 'User'), { columns: {} }), false);
assert.equal(typeof createKoaAuth, 'function');
testing.assertDenyByDefault(chatshipperPolicy, { numRuns: 10 });

async function main() {
  assert.equal(chatshipperPolicy.can({ id: 'a', scopes: ['admin'], organizationPath: 'r1' }, 'delete', 'User'), true);
  const password = 'correct horse battery staple';
  const directory = createMemoryDirectory(
    [{ id: '5f0c8a1e9b3d2c4a6e8f0a1b', email: 'ada@example.com', role: 'agent', organization: 'r1', passwordHash: await hashPassword(password) }],
    { organizations: [{ id: 'r1', path: 'r1' }] },
  );
  const service = createAuthService({ directory, keys: { algorithm: 'HS256', secret: randomBytes(32).toString('hex') } });
  const session = await service.login({ email: 'ada@example.com', password }, { source: '127.0.0.1' });
  await assert.rejects(service.authenticate('Basic x'), (error) => isScopeladderError(error) && error.code === 'ERR_AUTH_SCHEME');

  const auth = createExpressAuth({ service });
  const app = express();
  app.use(auth.authenticate);
  app.get('/users', auth.authorize('list', 'User'), (req, res) => res.json([]));
  app.get('/conversations', auth.authorize('list', 'Conversation'), (req, res) => res.json([]));
  app.use(auth.errorHandler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const base = `http://127.0.0.1:${server.address().port}`;
    const headers = { authorization: `Bearer ${session.token}` };
    assert.equal((await fetch(`${base}/conversations`, { headers })).status, 200);
    const denied = await fetch(`${base}/users`, { headers });
    assert.equal(denied.status, 403);
    assert.equal((await denied.json()).code, 'ERR_INSUFFICIENT_SCOPE');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  console.log('CJS consumer: ok');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
