import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { Router } from '@koa/router';
import { chatshipperAliases, chatshipperFields, chatshipperMatrix, chatshipperScopes, definePolicy, type ChatShipperPolicy } from '@scopeladder/core';
import { createAuthService, createMemoryDirectory, hashPassword, type AuthService } from '@scopeladder/tokens';
import Koa from 'koa';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKoaAuth } from './index.js';

// These tests are about the adapter's mechanics with principals acting in no organization: the
// ChatShipper matrix without tenancy (`chatshipperPolicy`, the default, has tenancy on; tenancy on
// all three adapters is the conformance suite's, test/conformance/tenancy.test.ts).
const matrixPolicy: ChatShipperPolicy = definePolicy({
  scopes: chatshipperScopes,
  aliases: chatshipperAliases,
  matrix: chatshipperMatrix,
  fields: chatshipperFields,
});

const GUEST = { id: 'bbbbbbbbbbbbbbbbbbbbbbbb', email: 'gina@example.test', password: 'gina-password-0123' };
let service: AuthService;
let guestToken: string;
const servers: Server[] = [];

beforeAll(async () => {
  const fast = { N: 1024, r: 1, p: 1 };
  service = createAuthService({
    directory: createMemoryDirectory([{ id: GUEST.id, email: GUEST.email, role: 'guest', passwordHash: await hashPassword(GUEST.password, fast) }]),
    policy: matrixPolicy,
    keys: { algorithm: 'HS256', secret: 'koa-unit-secret-koa-unit-secret-koa-unit-0123' },
    passwordHashOptions: fast,
    throttle: false,
  });
  guestToken = (await service.login({ email: GUEST.email, password: GUEST.password })).token;
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(app: Koa): Promise<string> {
  const server = createServer(app.callback());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createKoaAuth', () => {
  it('refuses misuse at construction with a TypeError', () => {
    expect(() => createKoaAuth(null as never)).toThrow(TypeError);
    expect(() => createKoaAuth({ service: { authenticate: () => null } as never })).toThrow(TypeError);
    expect(() => createKoaAuth({ service, onError: 1 as never })).toThrow(TypeError);
    expect(() => createKoaAuth({ service, formatError: 'json' as never })).toThrow(/createKoaAuth: formatError must be a function/);
    expect(() => createKoaAuth({ service }).discoveryRoutes({ issuer: 'http://api.example.com' })).toThrow(
      /@scopeladder\/koa: discoveryRoutes: issuer must be an absolute https URL/,
    );
    expect(() => createKoaAuth({ service }).discoveryRoutes(undefined as never)).toThrow(TypeError);
    const auth = createKoaAuth({ service });
    expect(() => auth.authorize('list', undefined as never)).toThrow(TypeError);
    expect(() => auth.authorize('update', 'User', { fields: 42 as never })).toThrow(TypeError);
    expect(() => auth.tokenRoutes({ path: '' })).toThrow(TypeError);
    expect(() => auth.tokenRoutes({ bodyLimit: 1.5 })).toThrow(TypeError);
    expect(() => auth.jsonBody({ limit: 0 })).toThrow(/^@scopeladder\/koa: jsonBody: /);
    expect(() => auth.jsonBody(null as never)).toThrow(TypeError);
  });

  it('hands a guard without `load` its list filter as ctx.state.auth.filter, and `none` anywhere else', async () => {
    const auth = createKoaAuth({ service });
    const router = new Router();
    const kind = (ctx: Koa.ParameterizedContext) => {
      ctx.body = { kind: ctx.state.auth!.filter.kind, matches: ctx.state.auth!.filter.matches({ id: 'k1' }) };
    };
    router.get('/plain', auth.authenticate, kind);
    router.get('/typed', auth.authorize('fetch', 'Conversation'), kind);
    router.get('/loaded', auth.authorize('fetch', 'User', { load: () => ({ id: GUEST.id }) }), kind);
    const app = new Koa();
    app.use(auth.errorHandler);
    app.use(router.routes());
    const url = await serve(app);
    const kinds = [];
    for (const path of ['/plain', '/typed', '/loaded']) {
      kinds.push(await (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${guestToken}` } })).json());
    }
    // Without tenancy, a guest may fetch every Conversation ("all"); nothing was authorized as a list elsewhere.
    expect(kinds).toEqual([
      { kind: 'none', matches: false },
      { kind: 'all', matches: true },
      { kind: 'none', matches: false },
    ]);
  });

  it('refuses a guard naming an action or subject type the policy does not know when the route is declared', () => {
    const auth = createKoaAuth({ service });
    const router = new Router();
    expect(() => router.get('/v2/conversations', auth.authorize('list', 'Conversaton' as never))).toThrow(
      /^authorize: unknown subject type "Conversaton": the policy knows "Organization", /,
    );
    expect(() => auth.authorize('lsit' as never, 'Conversation')).toThrow(TypeError);
    expect(() => auth.authorize('fetch', 'Users' as never, { load: () => null })).toThrow(TypeError);
    expect(() => auth.authorize('list', 'Conversation')).not.toThrow();
  });

  it('jsonBody(): sets ctx.request.body, undefined without a body; bad bodies and paths are JSON 4xx', async () => {
    const auth = createKoaAuth({ service });
    const router = new Router();
    router.all('/echo/:id', (ctx) => {
      ctx.body = { id: ctx.params.id, body: ctx.request.body === undefined ? 'none' : ctx.request.body };
    });
    const app = new Koa();
    app
      .use(auth.errorHandler)
      .use(auth.jsonBody({ maxDepth: 3 }))
      .use(router.routes());
    const url = await serve(app);
    const echo = (path: string, init: RequestInit) => fetch(`${url}${path}`, init).then(async (r) => ({ status: r.status, json: await r.json() }));
    const json = { 'content-type': 'application/json' };
    expect(await echo('/echo/1', { method: 'POST', headers: json, body: '{"a":[1]}' })).toEqual({ status: 200, json: { id: '1', body: { a: [1] } } });
    expect(await echo('/echo/1', { method: 'DELETE', headers: json })).toEqual({ status: 200, json: { id: '1', body: 'none' } });
    expect(await echo('/echo/1', { method: 'POST', headers: json, body: '[[[[1]]]]' })).toMatchObject({
      status: 400,
      json: { code: 'ERR_BODY_TOO_DEEP' },
    });
    expect(
      await echo('/echo/1', { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: '{}' }),
    ).toMatchObject({
      status: 400,
      json: { code: 'ERR_INVALID_REQUEST' },
    });
    // @koa/router would hand the handler '%zz' as the id; the error middleware refuses it first.
    expect(await echo('/echo/%zz', { method: 'GET' })).toEqual({
      status: 400,
      json: { code: 'ERR_INVALID_REQUEST', message: 'Malformed percent-encoding in the path' },
    });
    expect(await echo('/echo/caf%C3%A9', { method: 'GET' })).toEqual({ status: 200, json: { id: 'café', body: 'none' } });
  });

  it('uses a body a parser already read (here: a hand-rolled one)', async () => {
    const auth = createKoaAuth({ service });
    const app = new Koa();
    app.use(auth.errorHandler);
    app.use(async (ctx, next) => {
      const chunks: Buffer[] = [];
      for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
      (ctx.request as { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString() || 'null');
      await next();
    });
    app.use(auth.tokenRoutes());
    const url = await serve(app);
    const reply = await fetch(`${url}/v2/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: GUEST.email, password: GUEST.password }),
    });
    expect(reply.status).toBe(200);
  });

  it('sets ctx.state.auth and the loaded record; the loader sees router params', async () => {
    const auth = createKoaAuth({ service });
    const router = new Router();
    router.get('/users/:id', auth.authorize('fetch', 'User', { load: (ctx) => ({ id: ctx.params.id, seen: true }) }), (ctx) => {
      ctx.body = { principal: ctx.state.auth?.principal.id, resource: ctx.state.auth?.resource };
    });
    const app = new Koa();
    app.use(auth.errorHandler).use(router.routes());
    const url = await serve(app);
    const headers = { authorization: `Bearer ${guestToken}` };
    const own = await fetch(`${url}/users/${GUEST.id}`, { headers });
    expect(await own.json()).toEqual({ principal: GUEST.id, resource: { id: GUEST.id, seen: true } });
    const other = await fetch(`${url}/users/cccccccccccccccccccccccc`, { headers });
    expect(other.status).toBe(403);
    expect(other.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('refuses (500, never allows) when a per-route body parser runs after the guard', async () => {
    const auth = createKoaAuth({ service });
    const router = new Router();
    let called = false;
    const parser: Koa.Middleware = async (ctx, next) => {
      const chunks: Buffer[] = [];
      for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
      (ctx.request as { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString() || 'null');
      await next();
    };
    router.patch('/users/:id', auth.authorize('update', 'User', { load: (ctx) => ({ id: ctx.params.id }) }), parser, (ctx) => {
      called = true;
      ctx.body = { ok: true };
    });
    const app = new Koa();
    app.silent = true;
    app.use(auth.errorHandler).use(router.routes());
    const url = await serve(app);
    const reply = await fetch(`${url}/users/${GUEST.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${guestToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'admin' }),
    });
    expect(reply.status).toBe(500);
    expect(((await reply.json()) as { code: string }).code).toBe('ERR_INTERNAL');
    expect(called).toBe(false);
  });

  it('never trusts a ctx.state.auth set by other middleware', async () => {
    const auth = createKoaAuth({ service });
    const app = new Koa();
    app.use(auth.errorHandler);
    app.use(async (ctx, next) => {
      ctx.state.auth = { principal: { id: GUEST.id, scopes: ['admin'] } } as never;
      await next();
    });
    app.use(auth.authorize('list', 'Service'));
    app.use((ctx) => {
      ctx.body = [];
    });
    const url = await serve(app);
    expect((await fetch(url)).status).toBe(401);
    const asGuest = await fetch(url, { headers: { authorization: `Bearer ${guestToken}` } });
    expect(asGuest.status).toBe(403);
  });

  it("reports 5xx errors to Koa's own error event by default", async () => {
    const auth = createKoaAuth({ service });
    const app = new Koa();
    const seen: unknown[] = [];
    app.silent = true;
    app.on('error', (error: unknown) => seen.push(error));
    app.use(auth.errorHandler).use(() => {
      throw new Error('kaputt');
    });
    const url = await serve(app);
    const reply = await fetch(url);
    expect(reply.status).toBe(500);
    expect(await reply.json()).toEqual({ code: 'ERR_INTERNAL', message: 'Internal error' });
    expect(seen).toHaveLength(1);
  });

  it("a ctx.throw(404) becomes ERR_NOT_FOUND; an application's own ctx.throw(409) is left to Koa, unreported", async () => {
    const reported: unknown[] = [];
    const auth = createKoaAuth({ service, onError: (error) => reported.push(error) });
    const app = new Koa();
    app.use(auth.errorHandler).use((ctx) => {
      ctx.throw(ctx.path === '/missing' ? 404 : 409, 'Conversation already closed');
    });
    const url = await serve(app);
    const missing = await fetch(`${url}/missing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ code: 'ERR_NOT_FOUND', message: 'Not found' });
    // Koa's own ctx.onerror answers: the status, and the message http-errors marks as exposed.
    const conflict = await fetch(`${url}/conflict`);
    expect(conflict.status).toBe(409);
    expect(await conflict.text()).toBe('Conversation already closed');
    expect(reported).toEqual([]);
  });

  it("rethrows an application's own 4xx error to the error middleware around it, unchanged", async () => {
    const auth = createKoaAuth({ service });
    const app = new Koa();
    const conflict = Object.assign(new Error('x'), { status: 409 });
    const seen: unknown[] = [];
    app
      .use(async (ctx, next) => {
        try {
          await next();
        } catch (error) {
          seen.push(error);
          ctx.status = 409;
          ctx.body = { mine: true };
        }
      })
      .use(auth.errorHandler)
      .use(() => {
        throw conflict;
      });
    const url = await serve(app);
    const reply = await fetch(url);
    expect(reply.status).toBe(409);
    expect(await reply.json()).toEqual({ mine: true });
    expect(seen).toEqual([conflict]);
  });
});
