// A complete Koa 3 app secured by scopeladder. Run it: `pnpm tsx test/docs-examples/koa.ts`
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Router } from '@koa/router';
import { createKoaAuth, type KoaGuardContext } from '@scopeladder/koa';
import { chatshipperAliases, chatshipperFields, chatshipperMatrix, chatshipperScopes, definePolicy, ScopeladderError } from '@scopeladder/core';
import {
  createAuthService,
  createMemoryDirectory,
  hashPassword,
  type AuthService,
  type MemoryUserDirectory,
  type UserRecord,
} from '@scopeladder/tokens';
import Koa from 'koa';

export interface ExampleOptions {
  readonly adminEmail: string;
  readonly adminPassword: string;
  readonly jwtSecret: string; // ≥ 32 bytes
}

type Body = Record<string, string | undefined> | undefined;

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
  readonly app: Koa;
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
  const auth = createKoaAuth({ service });
  const conversations = new Map<string, { id: string; topic: string }>();

  const open = new Router();
  open.get('/health', (ctx) => {
    ctx.body = { ok: true }; // on a router without `authenticate`: public
  });

  const api = new Router({ prefix: '/v2' });
  api.use(auth.authenticate); // every route of this router needs a bearer token
  api.use(auth.jsonBody({ limit: 64 * 1024 })); // then its JSON body: at most 64 KiB, 64 levels deep

  // Type-level guards: the principal must be allowed on every record of the type.
  api.get('/conversations', auth.authorize('list', 'Conversation'), (ctx) => {
    ctx.body = [...conversations.values()].filter(ctx.state.auth!.filter.matches);
  });
  api.post('/conversations', auth.authorize('create', 'Conversation'), (ctx) => {
    const conversation = { id: newId(), topic: String((ctx.request.body as Body)?.topic ?? '') };
    conversations.set(conversation.id, conversation);
    ctx.status = 201;
    ctx.body = conversation;
  });
  api.post('/users', auth.authorize('create', 'User'), async (ctx) => {
    const { email, password, role } = readNewUser(ctx.request.body, service);
    const passwordHash = await hashPassword(password);
    ctx.status = 201;
    ctx.body = publicUser(directory.add({ id: newId(), email, role, passwordHash }));
  });

  // Instance guards: `load` finds the record, so the "(self)" rule applies, and for PATCH the
  // body's fields are checked too (a guest may change its own email, never its own role).
  const loadUser = (ctx: KoaGuardContext) => directory.findById(String(ctx.params.id));
  api.get('/users/:id', auth.authorize('fetch', 'User', { load: loadUser }), (ctx) => {
    ctx.body = publicUser(ctx.state.auth?.resource as UserRecord);
  });
  api.patch('/users/:id', auth.authorize('update', 'User', { load: loadUser }), async (ctx) => {
    const before = ctx.state.auth?.resource as UserRecord;
    const updated = directory.update(before.id, readUserChanges(ctx.request.body, service)) as UserRecord;
    // Tokens carry the role they were issued with: after a role change (the directory write
    // first), end the user's sessions, or a demoted admin stays an admin until its token expires.
    if (updated.role !== before.role) await service.endSessionsOfUser(before.id);
    ctx.body = publicUser(updated);
  });
  api.delete('/users/:id', auth.authorize('delete', 'User', { load: loadUser }), async (ctx) => {
    const { id } = ctx.state.auth?.resource as UserRecord;
    directory.delete(id);
    await service.endSessionsOfUser(id); // its tokens are refused from the next request on
    ctx.status = 204;
  });

  const app = new Koa();
  app.use(auth.errorHandler); // first: answers every error below with core's status and JSON
  app.use(auth.tokenRoutes()); // POST, GET and DELETE /v2/auth/token
  app.use(open.routes()).use(api.routes());
  // Unknown routes: core's JSON 404 (answered by auth.errorHandler) instead of Koa's plain text.
  app.use(() => {
    throw new ScopeladderError('ERR_NOT_FOUND', 'No such route');
  });
  return { app, service, directory };
}

// Started directly (not imported by the docs test): listen on PORT, print the admin's login.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const adminPassword = process.env.ADMIN_PASSWORD ?? randomBytes(12).toString('base64url');
  const jwtSecret = process.env.JWT_SECRET ?? randomBytes(32).toString('base64url');
  const { app } = await createApp({ adminEmail: 'admin@example.com', adminPassword, jwtSecret });
  const port = Number(process.env.PORT ?? 3000);
  app.listen(port, '127.0.0.1', () => {
    console.log(`http://127.0.0.1:${port} — log in as admin@example.com / ${adminPassword}`);
  });
}
