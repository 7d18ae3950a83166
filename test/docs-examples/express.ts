// A complete Express 5 app secured by scopeladder. Run it: `pnpm tsx test/docs-examples/express.ts`
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { createExpressAuth } from '@scopeladder/express';
import { chatshipperAliases, chatshipperFields, chatshipperMatrix, chatshipperScopes, definePolicy, ScopeladderError } from '@scopeladder/core';
import {
  createAuthService,
  createMemoryDirectory,
  hashPassword,
  type AuthService,
  type MemoryUserDirectory,
  type UserRecord,
} from '@scopeladder/tokens';
import express, { type Express, type Request } from 'express';

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
  readonly app: Express;
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
  const auth = createExpressAuth({ service });
  const conversations = new Map<string, { id: string; topic: string }>();

  const app = express();
  app.use(auth.tokenRoutes()); // POST, GET and DELETE /v2/auth/token (reads its own JSON or form body)
  app.get('/health', (_req, res) => {
    res.json({ ok: true }); // mounted before `authenticate`: public
  });
  app.use('/v2', auth.authenticate); // every other /v2 route needs a bearer token
  app.use(auth.jsonBody({ limit: 64 * 1024 })); // then its JSON body: at most 64 KiB, 64 levels deep

  // Type-level guards: the principal must be allowed on every record of the type (within its
  // reach); the list keeps what the guard's filter matches (all of them: this policy has no tenancy).
  app.get('/v2/conversations', auth.authorize('list', 'Conversation'), (req, res) => {
    res.json([...conversations.values()].filter(req.auth!.filter.matches));
  });
  app.post('/v2/conversations', auth.authorize('create', 'Conversation'), (req, res) => {
    const conversation = { id: newId(), topic: String(req.body?.topic ?? '') };
    conversations.set(conversation.id, conversation);
    res.status(201).json(conversation);
  });
  app.post('/v2/users', auth.authorize('create', 'User'), async (req, res) => {
    const { email, password, role } = readNewUser(req.body, service);
    const passwordHash = await hashPassword(password);
    res.status(201).json(publicUser(directory.add({ id: newId(), email, role, passwordHash })));
  });

  // Instance guards: `load` finds the record, so the "(self)" rule applies, and for PATCH the
  // body's fields are checked too (a guest may change its own email, never its own role).
  const loadUser = (req: Request) => directory.findById(String(req.params.id));
  app.get('/v2/users/:id', auth.authorize('fetch', 'User', { load: loadUser }), (req, res) => {
    res.json(publicUser(req.auth?.resource as UserRecord));
  });
  app.patch('/v2/users/:id', auth.authorize('update', 'User', { load: loadUser }), async (req, res) => {
    const before = req.auth?.resource as UserRecord;
    const updated = directory.update(before.id, readUserChanges(req.body, service)) as UserRecord;
    // Tokens carry the role they were issued with: after a role change (the directory write
    // first), end the user's sessions, or a demoted admin stays an admin until its token expires.
    if (updated.role !== before.role) await service.endSessionsOfUser(before.id);
    res.json(publicUser(updated));
  });
  app.delete('/v2/users/:id', auth.authorize('delete', 'User', { load: loadUser }), async (req, res) => {
    const { id } = req.auth?.resource as UserRecord;
    directory.delete(id);
    await service.endSessionsOfUser(id); // its tokens are refused from the next request on
    res.status(204).end();
  });

  // Unknown routes: core's JSON 404 instead of Express's HTML page.
  app.use(() => {
    throw new ScopeladderError('ERR_NOT_FOUND', 'No such route');
  });
  app.use(auth.errorHandler); // last: core's status, WWW-Authenticate and JSON { code, message }
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
