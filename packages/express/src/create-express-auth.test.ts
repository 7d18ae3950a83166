import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { chatshipperAliases, chatshipperFields, chatshipperMatrix, chatshipperScopes, definePolicy, type ChatShipperPolicy } from '@scopeladder/core';
import { createAuthService, createMemoryDirectory, hashPassword, type AuthService } from '@scopeladder/tokens';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DECISION_CHANNEL, type DecisionMessage } from '@scopeladder/tokens/diagnostics';
import express from 'express';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createExpressAuth } from './index.js';

// These tests are about the adapter's mechanics with principals acting in no organization: the
// ChatShipper matrix without tenancy (`chatshipperPolicy`, the default, has tenancy on; tenancy on
// all three adapters is the conformance suite's, test/conformance/tenancy.test.ts).
const matrixPolicy: ChatShipperPolicy = definePolicy({
  scopes: chatshipperScopes,
  aliases: chatshipperAliases,
  matrix: chatshipperMatrix,
  fields: chatshipperFields,
});

const ADMIN = { id: 'aaaaaaaaaaaaaaaaaaaaaaaa', email: 'ada@example.test', password: 'ada-password-0123' };
const GUEST = { id: 'bbbbbbbbbbbbbbbbbbbbbbbb', email: 'gina@example.test', password: 'gina-password-0123' };
let service: AuthService;
const servers: Server[] = [];

beforeAll(async () => {
  const fast = { N: 1024, r: 1, p: 1 };
  service = createAuthService({
    directory: createMemoryDirectory([
      { id: ADMIN.id, email: ADMIN.email, role: 'admin', passwordHash: await hashPassword(ADMIN.password, fast) },
      { id: GUEST.id, email: GUEST.email, role: 'guest', passwordHash: await hashPassword(GUEST.password, fast) },
    ]),
    policy: matrixPolicy,
    keys: { algorithm: 'HS256', secret: 'express-unit-secret-express-unit-secret-0123' },
    passwordHashOptions: fast,
    throttle: false,
  });
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(app: express.Express): Promise<string> {
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function login(url: string, path = '/v2/auth/token', user = ADMIN): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
}

describe('createExpressAuth', () => {
  it('refuses misuse at construction with a TypeError', () => {
    expect(() => createExpressAuth(undefined as never)).toThrow(TypeError);
    expect(() => createExpressAuth({ service: {} as AuthService })).toThrow(TypeError);
    expect(() => createExpressAuth({ service, onError: 'log' as never })).toThrow(TypeError);
    expect(() => createExpressAuth({ service, formatError: 'json' as never })).toThrow(/createExpressAuth: formatError must be a function/);
    expect(() => createExpressAuth({ service }).discoveryRoutes({ issuer: 'https://api.example.com', jwksPath: 'jwks' })).toThrow(
      /@scopeladder\/express: discoveryRoutes: jwksPath must be a path/,
    );
    const auth = createExpressAuth({ service });
    expect(() => auth.authorize('' as never, 'User')).toThrow(TypeError);
    expect(() => auth.authorize('fetch', '' as never)).toThrow(TypeError);
    expect(() => auth.authorize('fetch', 'User', { load: 'id' as never })).toThrow(TypeError);
    expect(() => auth.authorize('update', 'User', { fields: 'body' as never })).toThrow(TypeError);
    expect(() => auth.tokenRoutes({ path: 'token' })).toThrow(TypeError);
    expect(() => auth.tokenRoutes({ bodyLimit: 0 })).toThrow(TypeError);
    expect(() => auth.jsonBody({ maxDepth: 0 })).toThrow(/^@scopeladder\/express: jsonBody: /);
    expect(() => auth.jsonBody({ limit: '1mb' as never })).toThrow(TypeError);
  });

  it('hands a guard without `load` its list filter as req.auth.filter, and `none` anywhere else', async () => {
    const auth = createExpressAuth({ service });
    const app = express();
    const kind: express.RequestHandler = (req, res) => {
      res.json({ kind: req.auth!.filter.kind, matches: req.auth!.filter.matches({ id: 'k1' }) });
    };
    app.get('/plain', auth.authenticate, kind);
    app.get('/typed', auth.authorize('fetch', 'Conversation'), kind);
    app.get('/loaded', auth.authorize('fetch', 'User', { load: () => ({ id: GUEST.id }) }), kind);
    app.use(auth.errorHandler);
    const url = await serve(app);
    const { token } = await service.login({ email: GUEST.email, password: GUEST.password });
    const kinds = [];
    for (const path of ['/plain', '/typed', '/loaded']) {
      kinds.push(await (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json());
    }
    // Without tenancy, a guest may fetch every Conversation ("all"); nothing was authorized as a list elsewhere.
    expect(kinds).toEqual([
      { kind: 'none', matches: false },
      { kind: 'all', matches: true },
      { kind: 'none', matches: false },
    ]);
  });

  it("names a guard's route by its pattern in decision messages, never with a mounted router's real path", async () => {
    const auth = createExpressAuth({ service });
    const app = express();
    // A router mounted at a path with a parameter: Express's req.baseUrl is the matched path
    // (`/orgs/5f0c…`), not the pattern, so it must not reach the message (nor logs, nor spans).
    const router = express.Router();
    router.get('/conversations/:id', auth.authorize('fetch', 'Conversation'), (_req, res) => void res.json({}));
    app.use('/orgs/:org', router);
    app.get('/v2/conversations', auth.authorize('list', 'Conversation'), (_req, res) => void res.json([]));
    app.use(auth.errorHandler);
    const url = await serve(app);
    const { token } = await service.login({ email: ADMIN.email, password: ADMIN.password });
    const routes: unknown[] = [];
    const onDecision = (message: unknown): void => void routes.push((message as DecisionMessage).route);
    subscribe(DECISION_CHANNEL, onDecision);
    try {
      for (const path of ['/orgs/5f0c0ffee0ddba11c0ffee42/conversations/c1', '/v2/conversations']) {
        expect((await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      }
    } finally {
      unsubscribe(DECISION_CHANNEL, onDecision);
    }
    expect(routes).toEqual(['GET /conversations/:id', 'GET /v2/conversations']);
  });

  it('refuses a guard naming an action or subject type the policy does not know when the route is declared', () => {
    const auth = createExpressAuth({ service });
    const app = express();
    expect(() => app.get('/v2/conversations', auth.authorize('list', 'Conversaton' as never))).toThrow(
      new TypeError(
        `authorize: unknown subject type "Conversaton": the policy knows ${service.policy.resources.map((name) => `"${name}"`).join(', ')}`,
      ),
    );
    expect(() => auth.authorize('lsit' as never, 'Conversation')).toThrow(/^authorize: unknown action "lsit": the policy knows "list", /);
    expect(() => auth.authorize('list', 'conversation' as never)).toThrow(TypeError);
    expect(() => auth.authorize('list', 'Conversation')).not.toThrow();
  });

  it('jsonBody(): sets req.body, undefined without a body; refuses bad bodies with JSON 4xx through errorHandler', async () => {
    const auth = createExpressAuth({ service });
    const app = express();
    app.use(auth.jsonBody({ maxDepth: 3 }));
    app.all('/echo', (req, res) => {
      res.json({ body: req.body === undefined ? 'none' : req.body });
    });
    app.use(auth.errorHandler);
    const url = await serve(app);
    const echo = (init: RequestInit) => fetch(`${url}/echo`, init).then(async (r) => ({ status: r.status, json: await r.json() }));
    const json = { 'content-type': 'application/json' };
    expect(await echo({ method: 'POST', headers: json, body: '{"a":[1]}' })).toEqual({ status: 200, json: { body: { a: [1] } } });
    expect(await echo({ method: 'DELETE', headers: json })).toEqual({ status: 200, json: { body: 'none' } });
    expect(await echo({ method: 'POST', headers: json, body: '[[[[1]]]]' })).toMatchObject({ status: 400, json: { code: 'ERR_BODY_TOO_DEEP' } });
    expect(await echo({ method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })).toMatchObject({
      status: 415,
      json: { code: 'ERR_UNSUPPORTED_MEDIA_TYPE' },
    });
  });

  it('jsonBody(): a body another parser already read is left as it is', async () => {
    const auth = createExpressAuth({ service });
    const app = express();
    app.use(express.json());
    app.use(auth.jsonBody());
    app.post('/echo', (req, res) => {
      res.json(req.body);
    });
    const url = await serve(app);
    const reply = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await reply.json()).toEqual({ a: 1 });
  });

  it('a throw after an awaited step goes to the error path, never an unhandled rejection', async () => {
    const reported: unknown[] = [];
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const auth = createExpressAuth({ service, onError: (error) => reported.push(error) });
      const app = express();
      // Another library made req.body read-only: assigning the parsed body throws.
      app.use((req, _res, next) => {
        Object.defineProperty(req, 'body', { get: () => undefined, configurable: true });
        next();
      });
      app.use(auth.jsonBody());
      app.post('/echo', (_req, res) => {
        res.json({ reached: true });
      });
      app.use(auth.errorHandler);
      const url = await serve(app);
      const reply = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
      expect(reply.status).toBe(500);
      expect(await reply.json()).toEqual({ code: 'ERR_INTERNAL', message: expect.any(String) });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
      expect(reported).toHaveLength(1);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('uses a body the application already parsed, and mounts under a prefix', async () => {
    const auth = createExpressAuth({ service });
    const app = express();
    app.use(express.json());
    app.use('/v2/auth', auth.tokenRoutes({ path: '/token' }));
    app.use(auth.errorHandler);
    const url = await serve(app);
    const reply = await login(url);
    expect(reply.status).toBe(200);
    expect(((await reply.json()) as { scope: string }).scope).toBe('admin');
    expect((await fetch(`${url}/v2/auth/other`, { method: 'POST' })).status).toBe(404);
  });

  it('mounts revocation and introspection beside the token endpoint, at their paths or not at all', async () => {
    const auth = createExpressAuth({ service });
    const app = express();
    app.use('/v2/auth', auth.tokenRoutes({ path: '/token', revocationPath: '/revoke-it', introspectionPath: false }));
    app.use(auth.errorHandler);
    const url = await serve(app);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const revoked = await fetch(`${url}/v2/auth/revoke-it`, { method: 'POST', headers: form, body: 'token=unknown' });
    expect([revoked.status, await revoked.text()]).toEqual([200, '']);
    expect((await fetch(`${url}/v2/auth/revoke`, { method: 'POST', headers: form, body: 'token=unknown' })).status).toBe(404);
    expect((await fetch(`${url}/v2/auth/introspect`, { method: 'POST', headers: form, body: 'token=unknown' })).status).toBe(404);
    expect(() => auth.tokenRoutes({ revocationPath: '/v2/auth/token' })).toThrow(TypeError);
  });

  it('leaves other methods on the token path to the application', async () => {
    const auth = createExpressAuth({ service });
    const app = express();
    app.use(auth.tokenRoutes());
    app.put('/v2/auth/token', (_req, res) => {
      res.status(405).json({ app: true });
    });
    const url = await serve(app);
    expect(await (await fetch(`${url}/v2/auth/token`, { method: 'PUT' })).json()).toEqual({ app: true });
  });

  it('authorize(): explicit fields, fields: false, and the loaded record on req.auth.resource', async () => {
    const auth = createExpressAuth({ service });
    const app = express();
    app.use(auth.tokenRoutes(), express.json());
    const own = (req: express.Request) => ({ id: String(req.params.id) });
    app.patch('/strict/:id', auth.authorize('update', 'User', { load: own, fields: ['role'] }), (_req, res) => {
      res.json({ ok: true });
    });
    app.patch('/loose/:id', auth.authorize('update', 'User', { load: own, fields: false }), (req, res) => {
      res.json({ resource: req.auth?.resource });
    });
    app.use(auth.errorHandler);
    const url = await serve(app);
    const { token } = (await (await login(url, undefined, GUEST)).json()) as { token: string };
    const patch = (path: string) =>
      fetch(`${url}${path}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'admin' }),
      });
    const strict = await patch(`/strict/${GUEST.id}`);
    expect(strict.status, await strict.clone().text()).toBe(403);
    const loose = await patch(`/loose/${GUEST.id}`);
    expect(loose.status).toBe(200);
    expect(await loose.json()).toEqual({ resource: { id: GUEST.id } });
  });

  it('authorize(): refuses (500, never allows) when the body parser is mounted after the guard', async () => {
    // The 5xx is reported to onError (by default console.error, with a stack trace): kept here, and checked.
    const reported: unknown[] = [];
    const auth = createExpressAuth({ service, onError: (error) => reported.push(error) });
    const app = express();
    app.use(auth.tokenRoutes());
    let called = false;
    const own = (req: express.Request) => ({ id: String(req.params.id) });
    app.patch('/users/:id', auth.authorize('update', 'User', { load: own }), express.json(), (_req, res) => {
      called = true;
      res.json({ ok: true });
    });
    app.use(auth.errorHandler);
    const url = await serve(app);
    const { token } = (await (await login(url, undefined, GUEST)).json()) as { token: string };
    const reply = await fetch(`${url}/users/${GUEST.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'admin' }),
    });
    expect(reply.status).toBe(500);
    expect(((await reply.json()) as { code: string }).code).toBe('ERR_INTERNAL');
    expect(called).toBe(false);
    expect(reported).toHaveLength(1);
    expect(String(reported[0])).toContain('the body has not been parsed');
  });

  it('does not tag or mutate the record the loader returns (frozen records work)', async () => {
    const auth = createExpressAuth({ service });
    const record = Object.freeze({ id: GUEST.id, name: 'Gina' });
    const app = express();
    app.use(auth.tokenRoutes());
    app.get('/users/:id', auth.authorize('fetch', 'User', { load: () => record }), (req, res) => {
      res.json({ same: req.auth?.resource === record });
    });
    app.use(auth.errorHandler);
    const url = await serve(app);
    const { token } = (await (await login(url, undefined, GUEST)).json()) as { token: string };
    const reply = await fetch(`${url}/users/${GUEST.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(await reply.json()).toEqual({ same: true });
    expect(Object.getOwnPropertyNames(record)).toEqual(['id', 'name']);
  });

  it('passes errors to an error handler mounted after the response started', async () => {
    const auth = createExpressAuth({ service });
    const app = express();
    app.get('/stream', (_req, res, next) => {
      res.write('partial');
      next(new Error('late'));
    });
    const seen: unknown[] = [];
    app.use(auth.errorHandler);
    app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      seen.push(error);
      res.end();
    });
    const url = await serve(app);
    expect(await (await fetch(`${url}/stream`)).text()).toBe('partial');
    expect(seen).toHaveLength(1);
  });

  it('never trusts a req.auth set by someone else (another library uses the same name)', async () => {
    const auth = createExpressAuth({ service });
    const app = express();
    app.use((req, _res, next) => {
      req.auth = { principal: { id: ADMIN.id, scopes: ['admin'] } } as never;
      next();
    });
    app.get('/services', auth.authorize('list', 'Service'), (_req, res) => {
      res.json([]);
    });
    app.use(auth.errorHandler);
    const url = await serve(app);
    const reply = await fetch(`${url}/services`);
    expect(reply.status).toBe(401);
  });

  it('toHttpError: core answer for scopeladder errors and translated parse errors, 500 for others', () => {
    const auth = createExpressAuth({ service });
    const tooLarge = auth.toHttpError(Object.assign(new Error('x'), { status: 413, type: 'entity.too.large' }));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toEqual({ code: 'ERR_PAYLOAD_TOO_LARGE', message: 'Request body too large' });
    expect(auth.toHttpError(Object.assign(new Error('x'), { status: 400, type: 'entity.parse.failed' })).body.code).toBe('ERR_INVALID_REQUEST');
    expect(auth.toHttpError(Object.assign(new Error('x'), { statusCode: 404 })).status).toBe(404);
    expect(auth.toHttpError(new Error('boom')).status).toBe(500);
    expect(auth.toHttpError('not an error').status).toBe(500);
  });

  it("passes an application's own 4xx error on to the next error handler, unchanged and unreported", async () => {
    const reported: unknown[] = [];
    const auth = createExpressAuth({ service, onError: (error) => reported.push(error) });
    const app = express();
    const conflict = Object.assign(new Error('Conversation already closed'), { status: 409 });
    app.get('/conflict', () => {
      throw conflict;
    });
    app.use(auth.errorHandler);
    const seen: unknown[] = [];
    app.use((error: { status: number; message: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      seen.push(error);
      res.status(error.status).json({ mine: error.message });
    });
    const url = await serve(app);
    const reply = await fetch(`${url}/conflict`);
    expect(reply.status).toBe(409);
    expect(await reply.json()).toEqual({ mine: 'Conversation already closed' });
    expect(seen).toEqual([conflict]);
    expect(reported).toEqual([]);
  });
});
