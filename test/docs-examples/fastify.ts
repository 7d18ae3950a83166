// A complete Fastify 5 app secured by scopeladder. Run it: `pnpm tsx test/docs-examples/fastify.ts`
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import scopeladder, { answerFrameworkError, type ScopeladderGuardRequest } from '@scopeladder/fastify';
import { chatshipperAliases, chatshipperFields, chatshipperMatrix, chatshipperScopes, definePolicy, ScopeladderError } from '@scopeladder/core';
import {
  createAuthService,
  createMemoryDirectory,
  hashPassword,
  type AuthService,
  type MemoryUserDirectory,
  type UserRecord,
} from '@scopeladder/tokens';
import Fastify, { type FastifyInstance } from 'fastify';

export interface ExampleOptions {
  readonly adminEmail: string;
  readonly adminPassword: string;
  readonly jwtSecret: string; // ≥ 32 bytes
}

// What the API shows of a user: never the password hash.
const publicUser = ({ id, email, role, organization }: UserRecord) => ({ id, email, role, organization });
const newId = () => randomBytes(12).toString('hex');

// The body of POST /v2/users: the role must be a scope of the policy's ladder.
function readNewUser(body: unknown, service: AuthService) {
  const { email, password, role } = (body ?? {}) as Record<string, unknown>;
  if (typeof email !== 'string' || typeof password !== 'string' || !service.policy.ladder.has(role)) {
    throw new ScopeladderError('ERR_INVALID_REQUEST', 'Expected { email, password, role }');
  }
  return { email, password, role };
}

// The body of PATCH /v2/users/:id: an optional email and an optional role of the ladder.
function readUserChanges(body: unknown, service: AuthService): { email?: string; role?: string } {
  const { email, role } = (body ?? {}) as Record<string, unknown>;
  if ((email !== undefined && typeof email !== 'string') || (role !== undefined && !service.policy.ladder.has(role))) {
    throw new ScopeladderError('ERR_INVALID_REQUEST', 'Expected { email?, role? }');
  }
  return { ...(email === undefined ? {} : { email }), ...(role === undefined ? {} : { role: role as string }) };
}

export interface ExampleApp {
  readonly app: FastifyInstance;
  readonly service: AuthService;
  readonly directory: MemoryUserDirectory;
}

export async function createApp(options: ExampleOptions): Promise<ExampleApp> {
  // 1. Users and the auth service (in memory here; @scopeladder/redis shares state between instances).
  const directory = createMemoryDirectory([
    { id: newId(), email: options.adminEmail, role: 'admin', passwordHash: await hashPassword(options.adminPassword) },
  ]);
  // One organization, so the ChatShipper matrix without tenancy (chatshipperPolicy, the default,
  // has tenancy: for several organizations see docs/organizations.md).
  const policy = definePolicy({ scopes: chatshipperScopes, aliases: chatshipperAliases, matrix: chatshipperMatrix, fields: chatshipperFields });
  const service = createAuthService({ policy, directory, keys: { algorithm: 'HS256', secret: options.jwtSecret } });
  const conversations = new Map<string, { id: string; topic: string }>();

  // frameworkErrors: the router's own errors (a path like /v2/users/%zz) answered as JSON too.
  const app = Fastify({ bodyLimit: 64 * 1024, frameworkErrors: answerFrameworkError });
  // request.auth, an onRequest hook (every route authenticates unless it opts out),
  // route-config guards, POST/GET/DELETE /v2/auth/token, an error handler, and (jsonBody)
  // scopeladder's JSON body reader in place of Fastify's parsers.
  await app.register(scopeladder, { service, jsonBody: true });

  app.get('/health', { config: { scopeladder: false } }, async () => ({ ok: true })); // public

  // Type-level guards: the principal must be allowed on every record of the type.
  app.get('/v2/conversations', { config: { scopeladder: { action: 'list', subject: 'Conversation' } } }, async (request) =>
    [...conversations.values()].filter(request.auth!.filter.matches),
  );
  app.post<{ Body: { topic?: string } }>(
    '/v2/conversations',
    { config: { scopeladder: { action: 'create', subject: 'Conversation' } } },
    async (request, reply) => {
      const conversation = { id: newId(), topic: String(request.body?.topic ?? '') };
      conversations.set(conversation.id, conversation);
      return reply.code(201).send(conversation);
    },
  );
  app.post('/v2/users', { config: { scopeladder: { action: 'create', subject: 'User' } } }, async (request, reply) => {
    const { email, password, role } = readNewUser(request.body, service);
    const passwordHash = await hashPassword(password);
    return reply.code(201).send(publicUser(directory.add({ id: newId(), email, role, passwordHash })));
  });

  // Instance guards: `load` finds the record, so the "(self)" rule applies, and for PATCH the
  // body's fields are checked too (a guest may change its own email, never its own role).
  const loadUser = (request: ScopeladderGuardRequest) => directory.findById(String(request.params.id));
  app.get('/v2/users/:id', { config: { scopeladder: { action: 'fetch', subject: 'User', load: loadUser } } }, async (request) =>
    publicUser(request.auth?.resource as UserRecord),
  );
  app.patch('/v2/users/:id', { config: { scopeladder: { action: 'update', subject: 'User', load: loadUser } } }, async (request) => {
    const before = request.auth?.resource as UserRecord;
    const updated = directory.update(before.id, readUserChanges(request.body, service)) as UserRecord;
    // Tokens carry the role they were issued with: after a role change (the directory write
    // first), end the user's sessions, or a demoted admin stays an admin until its token expires.
    if (updated.role !== before.role) await service.endSessionsOfUser(before.id);
    return publicUser(updated);
  });
  app.delete('/v2/users/:id', { config: { scopeladder: { action: 'delete', subject: 'User', load: loadUser } } }, async (request, reply) => {
    const { id } = request.auth?.resource as UserRecord;
    directory.delete(id);
    await service.endSessionsOfUser(id); // its tokens are refused from the next request on
    return reply.code(204).send();
  });

  // Unknown routes: core's JSON 404 (through the plugin's error handler) instead of Fastify's own shape.
  app.setNotFoundHandler(() => {
    throw new ScopeladderError('ERR_NOT_FOUND', 'No such route');
  });
  return { app, service, directory };
}

// Started directly (not imported by the docs test): listen on PORT, print the admin's login.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const adminPassword = process.env.ADMIN_PASSWORD ?? randomBytes(12).toString('base64url');
  const jwtSecret = process.env.JWT_SECRET ?? randomBytes(32).toString('base64url');
  const { app } = await createApp({ adminEmail: 'admin@example.com', adminPassword, jwtSecret });
  const url = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) });
  console.log(`${url} — log in as admin@example.com / ${adminPassword}`);
}
