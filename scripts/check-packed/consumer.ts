// The TypeScript consumer of the packed packages (scripts/check-packed.mjs): compiled with
// `tsc --strict` under module/moduleResolution node16, nodenext and bundler, in a project that
// installed the tarballs with npm. It imports every public entry point and uses each package the
// way its README shows. Typo probes: each `@ts-expect-error` line must NOT compile (an unused
// directive is an error too, so a probe that starts compiling fails the check).
import { createServer } from 'node:http';
import {
  chatshipperPolicy,
  definePolicy,
  httpErrorFor,
  isScopeladderError,
  parseScope,
  subject,
  ScopeladderError,
  type Principal,
} from '@scopeladder/core';
import { createAuthService, createMemoryDirectory, createMemoryStore, hashPassword, type TokenStore } from '@scopeladder/tokens';
import { readAuthorization, toScopeladderError } from '@scopeladder/tokens/http';
import { DIAGNOSTICS_CHANNELS, type CredentialEvent, type DecisionMessage } from '@scopeladder/tokens/diagnostics';
import { createScopeladderInstrumentation, type ScopeladderInstrumentationOptions } from '@scopeladder/otel';
import express from 'express';
import { createExpressAuth } from '@scopeladder/express';
import Fastify from 'fastify';
import scopeladder, { answerFrameworkError } from '@scopeladder/fastify';
import Koa from 'koa';
import { createKoaAuth } from '@scopeladder/koa';
import { Redis } from 'ioredis';
import { createRedisCollection, createRedisStore } from '@scopeladder/redis';
import { createPostgresStore, toSqlFilter, type PostgresTokenStore, type SqlFilterResult } from '@scopeladder/postgres';
import pg from 'pg';
import { assertDenyByDefault, decisionTable } from '@scopeladder/testing';
import { describeTokenStoreContract, randomDigest, type StoreContractFactory } from '@scopeladder/testing/store-contract';

// core
const admin: Principal = { id: '5f0c8a1e9b3d2c4a6e8f0a1b', scopes: ['admin'] };
const allowed: boolean = chatshipperPolicy.can(admin, 'fetch', subject('User', { id: admin.id }));
const scopes = parseScope('agent bot');
const tiny = definePolicy({ scopes: ['reader', 'writer'], matrix: { Note: { read: 'reader', write: 'writer' } } });
tiny.can({ id: 'u', scopes: ['reader'] }, 'read', 'Note');
const answer = httpErrorFor(new ScopeladderError('ERR_FORBIDDEN', 'no'));
const code: string | null = isScopeladderError(answer) ? answer.code : null;

// tokens
const directory = createMemoryDirectory([
  { id: admin.id, email: 'ada@example.com', role: 'admin', passwordHash: await hashPassword('correct horse battery staple') },
]);
const store: TokenStore = createMemoryStore();
const service = createAuthService({ directory, store, keys: { algorithm: 'HS256', secret: 'x'.repeat(32) } });
const session = await service.login({ email: 'ada@example.com', password: 'correct horse battery staple' }, { source: '127.0.0.1' });
const context = await service.authenticate(`Bearer ${session.token}`);
context.ability.can('list', 'Conversation');

// tokens/http (for adapter authors)
const header = readAuthorization({ headers: { authorization: 'Bearer x' } });
const translated: unknown = toScopeladderError(new Error('x'));

// tokens/diagnostics
const channels: readonly string[] = DIAGNOSTICS_CHANNELS;
const describeEvent = (event: CredentialEvent): string => (event.type === 'refresh.reused' ? event.sessionId : event.type);
const denied = (message: DecisionMessage): boolean => !message.allowed;

// otel
const otelOptions: ScopeladderInstrumentationOptions = { traces: true, principalId: false };
const instrumentation = createScopeladderInstrumentation(otelOptions);
// @ts-expect-error 'trace' is not an option (it is 'traces')
createScopeladderInstrumentation({ trace: true });

// express
const expressAuth = createExpressAuth({ service });
const expressApp = express();
expressApp.use(expressAuth.tokenRoutes());
expressApp.use('/v2', expressAuth.authenticate);
expressApp.use(expressAuth.jsonBody());
expressApp.get('/v2/users/:id', expressAuth.authorize('fetch', 'User', { load: (req) => ({ id: String(req.params.id) }) }), (req, res) => {
  res.json({ id: req.auth?.principal.id });
});
expressApp.use(expressAuth.errorHandler);
createServer(expressApp);

// fastify
const fastifyApp = Fastify({ frameworkErrors: answerFrameworkError });
await fastifyApp.register(scopeladder, { service, jsonBody: true });
fastifyApp.get('/v2/conversations', { config: { scopeladder: { action: 'list', subject: 'Conversation' } } }, async (request) => ({
  by: request.auth?.principal.id,
}));

// koa
const koaAuth = createKoaAuth({ service });
const koaApp = new Koa();
koaApp.use(koaAuth.errorHandler);
koaApp.use(koaAuth.tokenRoutes());
koaApp.use(koaAuth.authenticate);
koaApp.use(koaAuth.authorize('list', 'Conversation'));

// redis (ioredis 6 in this project)
const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, enableOfflineQueue: false });
const redisStore: TokenStore = createRedisStore({ client: redis, prefix: 'consumer:' });
const users = createRedisCollection<{ id: string; email: string }>({
  client: redis,
  prefix: 'consumer:',
  name: 'users',
  unique: (user) => ({ email: user.email }),
});

// testing
assertDenyByDefault(chatshipperPolicy, { numRuns: 5 });
const table: string = decisionTable(chatshipperPolicy);
const factory: StoreContractFactory = async () => ({ store: createMemoryStore(), cleanup: async () => {} });
if (process.env['NEVER'] === 'register') describeTokenStoreContract('memory', factory);
const digest: string = randomDigest();

// postgres
const pgStore: PostgresTokenStore = createPostgresStore({ pool: new pg.Pool({ connectionString: 'postgres://localhost/app' }), timeoutMs: 500 });
const sqlFilter: SqlFilterResult = toSqlFilter(chatshipperPolicy.filterFor({ id: 'u', scopes: ['agent'] }, 'list', 'Conversation'), {
  columns: { organizationPath: 'org_path' },
});

void [
  allowed,
  scopes,
  code,
  header,
  translated,
  channels,
  describeEvent,
  denied,
  instrumentation,
  redisStore,
  users,
  table,
  digest,
  pgStore,
  sqlFilter,
];

// ---- Typo probes that already fail to compile (issue #14) ----
// @ts-expect-error 'fecth' is not an action of the ChatShipper policy
chatshipperPolicy.can(admin, 'fecth', 'User');
// @ts-expect-error 'Conversaton' is not a subject of the ChatShipper policy
chatshipperPolicy.can(admin, 'list', 'Conversaton');
// @ts-expect-error 'Note' has no action 'delete' in this policy
tiny.can({ id: 'u', scopes: ['writer'] }, 'delete', 'Note');
// @ts-expect-error not an error code
new ScopeladderError('ERR_FORBIDEN', 'typo');
// @ts-expect-error the store needs a client or a URL, not a port
createRedisStore({ port: 6379 });

// ---- Adapter guard typo probes (issue #14 item 2: types through the adapters) ----
/** Never called: probes for the compiler only (at run time each would be a TypeError at declaration). */
export function adapterTypoProbes(): void {
  // @ts-expect-error 'Conversaton' is not a subject of the service's policy
  expressAuth.authorize('list', 'Conversaton');
  // @ts-expect-error 'lsit' is not an action of the service's policy
  koaAuth.authorize('lsit', 'Conversation');
  // @ts-expect-error 'lsit' is not an action: `service.policy` keeps the policy's types
  service.policy.can(admin, 'lsit', 'User');
  // @ts-expect-error 'lsit' is not an action: the ability on an authenticated request is typed
  context.ability.can('lsit', 'Conversation');
  // @ts-expect-error 'Conversations' is not a subject: Fastify's route config is typed
  fastifyApp.get('/typo', { config: { scopeladder: { action: 'list', subject: 'Conversations' } } }, async () => ({}));
}
// ---- end of adapter guard typo probes ----
