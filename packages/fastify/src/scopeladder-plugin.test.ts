import { chatshipperAliases, chatshipperFields, chatshipperMatrix, chatshipperScopes, definePolicy, type ChatShipperPolicy } from '@scopeladder/core';
import { createAuthService, createMemoryDirectory, hashPassword, type AuthService } from '@scopeladder/tokens';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import scopeladder, { answerFrameworkError, scopeladderPlugin } from './index.js';

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
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  const fast = { N: 1024, r: 1, p: 1 };
  service = createAuthService({
    directory: createMemoryDirectory([{ id: GUEST.id, email: GUEST.email, role: 'guest', passwordHash: await hashPassword(GUEST.password, fast) }]),
    policy: matrixPolicy,
    keys: { algorithm: 'HS256', secret: 'fastify-unit-secret-fastify-unit-secret-0123' },
    passwordHashOptions: fast,
    throttle: false,
  });
  guestToken = (await service.login({ email: GUEST.email, password: GUEST.password })).token;
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function make(): FastifyInstance {
  const app = Fastify();
  apps.push(app);
  return app;
}

describe('@scopeladder/fastify', () => {
  it('hands a guard without `load` its list filter as request.auth.filter, and `none` anywhere else', async () => {
    const app = make();
    await app.register(scopeladder, { service });
    const kind = async (request: { auth: { filter: { kind: string; matches(record: unknown): boolean } } | null }) => ({
      kind: request.auth!.filter.kind,
      matches: request.auth!.filter.matches({ id: 'k1' }),
    });
    app.get('/plain', { config: { scopeladder: true } }, kind);
    app.get('/typed', { config: { scopeladder: { action: 'fetch', subject: 'Conversation' } } }, kind);
    app.get('/loaded', { config: { scopeladder: { action: 'fetch', subject: 'User', load: () => ({ id: GUEST.id }) } } }, kind);
    const kinds = [];
    for (const url of ['/plain', '/typed', '/loaded']) {
      kinds.push((await app.inject({ url, headers: { authorization: `Bearer ${guestToken}` } })).json());
    }
    // Without tenancy, a guest may fetch every Conversation ("all"); nothing was authorized as a list elsewhere.
    expect(kinds).toEqual([
      { kind: 'none', matches: false },
      { kind: 'all', matches: true },
      { kind: 'none', matches: false },
    ]);
  });

  it('exports the plugin as default and by name', () => {
    expect(scopeladder).toBe(scopeladderPlugin);
  });

  it('refuses misuse with a TypeError when the app loads', async () => {
    await expect(
      make()
        .register(scopeladder, { service: {} as AuthService })
        .ready(),
    ).rejects.toThrow(TypeError);
    await expect(
      make()
        .register(scopeladder, { service, authenticate: 'some' as never })
        .ready(),
    ).rejects.toThrow(TypeError);
    await expect(
      make()
        .register(scopeladder, { service, tokenRoutes: { path: 'x' } })
        .ready(),
    ).rejects.toThrow(TypeError);
  });

  it('refuses a malformed route guard at startup', async () => {
    const app = make();
    await app.register(scopeladder, { service });
    expect(() => app.get('/x', { config: { scopeladder: { action: 'list' } as never } }, async () => 'x')).toThrow(TypeError);
    expect(() => app.get('/y', { config: { scopeladder: 'yes' as never } }, async () => 'y')).toThrow(TypeError);
  });

  it('refuses a route guard naming an action or subject type the policy does not know at registration', async () => {
    const app = make();
    await app.register(scopeladder, { service });
    const typo = { action: 'list', subject: 'Conversations' } as never;
    expect(() => app.get('/v2/conversations', { config: { scopeladder: typo } }, async () => [])).toThrow(
      /^route GET \/v2\/conversations: unknown subject type "Conversations": the policy knows "Organization", /,
    );
    const action = { action: 'lsit', subject: 'Conversation' } as never;
    expect(() => app.route({ method: 'GET', url: '/c', config: { scopeladder: action }, handler: async () => [] })).toThrow(TypeError);
    // Registered in a child context (fastify.register): the same check, before the app is ready.
    const child = make();
    await child.register(scopeladder, { service });
    void child.register(async (scope) => {
      scope.get('/v2/messages', { config: { scopeladder: { action: 'list', subject: 'Mesage' } as never } }, async () => []);
    });
    await expect(child.ready()).rejects.toThrow(/unknown subject type "Mesage"/);
    expect(() => app.get('/ok', { config: { scopeladder: { action: 'list', subject: 'Conversation' } } }, async () => [])).not.toThrow();
  });

  it("authenticate: 'guarded' authenticates only routes with a guard or `true`", async () => {
    const app = make();
    await app.register(scopeladder, { service, authenticate: 'guarded', tokenRoutes: false });
    app.get('/open', async (request) => ({ auth: request.auth }));
    app.get('/who', { config: { scopeladder: true } }, async (request) => ({ id: request.auth?.principal.id }));
    app.get('/guarded', { config: { scopeladder: { action: 'list', subject: 'User' } } }, async () => []);
    expect((await app.inject('/open')).json()).toEqual({ auth: null });
    expect((await app.inject('/who')).statusCode).toBe(401);
    const who = await app.inject({ url: '/who', headers: { authorization: `Bearer ${guestToken}` } });
    expect(who.json()).toEqual({ id: GUEST.id });
    const guarded = await app.inject({ url: '/guarded', headers: { authorization: `Bearer ${guestToken}` } });
    expect(guarded.statusCode).toBe(403);
    expect(guarded.json()).toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE', requiredScope: 'bot' });
    expect((await app.inject({ method: 'POST', url: '/v2/auth/token' })).statusCode).toBe(404);
  });

  it('never trusts a request.auth assigned by other code', async () => {
    const app = make();
    await app.register(scopeladder, { service });
    // preValidation: between the plugin's onRequest and preHandler, so the guard's second half
    // (record and fields) runs after the forgery.
    app.addHook('preValidation', async (request) => {
      request.auth = { principal: { id: GUEST.id, scopes: ['admin'] } } as never;
    });
    app.get('/services', { config: { scopeladder: { action: 'list', subject: 'Service' } } }, async () => []);
    app.get(
      '/users/:id',
      { config: { scopeladder: { action: 'update', subject: 'User', load: () => ({ id: 'cccccccccccccccccccccccc' }) } } },
      async () => 'x',
    );
    expect((await app.inject('/services')).statusCode).toBe(401);
    const headers = { authorization: `Bearer ${guestToken}` };
    expect((await app.inject({ url: '/services', headers })).statusCode).toBe(403);
    expect((await app.inject({ url: '/users/x', headers })).statusCode).toBe(403);
  });

  it('sees two Authorization headers through inject too', async () => {
    const app = make();
    await app.register(scopeladder, { service });
    app.get('/who', async (request) => ({ id: request.auth?.principal.id }));
    // Node types say one string; light-my-request sends each array item as its own header line.
    const headers = { authorization: [`Bearer ${guestToken}`, `Bearer ${guestToken}`] } as unknown as Record<string, string>;
    const reply = await app.inject({ url: '/who', headers });
    expect(reply.statusCode).toBe(400);
    expect(reply.json().code).toBe('ERR_AUTH_MALFORMED');
  });

  it('errorHandler: false leaves the error handler to the application, with toHttpError to hand', async () => {
    const app = make();
    await app.register(scopeladder, { service, errorHandler: false });
    app.setErrorHandler((error, _request, reply) => {
      const answer = app.scopeladder.toHttpError(error);
      return reply
        .code(answer.status)
        .headers(answer.headers)
        .send({ mine: true, ...answer.body });
    });
    app.get('/who', async () => 'x');
    const reply = await app.inject('/who');
    expect(reply.statusCode).toBe(401);
    expect(reply.headers['www-authenticate']).toBe('Bearer realm="scopeladder"');
    expect(reply.json()).toMatchObject({ mine: true, code: 'ERR_AUTH_REQUIRED' });
  });

  it("throws an application's own 4xx error on to the parent handler (Fastify's default), unreported", async () => {
    const reported: unknown[] = [];
    const app = make();
    await app.register(scopeladder, { service, onError: (error) => reported.push(error) });
    app.get('/conflict', { config: { scopeladder: false } }, async () => {
      throw Object.assign(new Error('Conversation already closed'), { statusCode: 409 });
    });
    app.get('/boom', { config: { scopeladder: false } }, async () => {
      throw new Error('kaputt');
    });
    const conflict = await app.inject('/conflict');
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toEqual({ statusCode: 409, error: 'Conflict', message: 'Conversation already closed' });
    expect(reported).toEqual([]);
    const boom = await app.inject('/boom');
    expect(boom.statusCode).toBe(500);
    expect(boom.json()).toEqual({ code: 'ERR_INTERNAL', message: 'Internal error' });
    expect(reported).toHaveLength(1);
  });

  it('an oversized body → 413 ERR_PAYLOAD_TOO_LARGE', async () => {
    const app = Fastify({ bodyLimit: 64 });
    apps.push(app);
    await app.register(scopeladder, { service });
    app.post('/echo', { config: { scopeladder: false } }, async (request) => request.body);
    const reply = await app.inject({ method: 'POST', url: '/echo', payload: { name: 'x'.repeat(100) } });
    expect(reply.statusCode).toBe(413);
    expect(reply.json()).toEqual({ code: 'ERR_PAYLOAD_TOO_LARGE', message: 'Request body too large' });
  });

  it('a guard without load refuses in onRequest, before the body is parsed', async () => {
    const app = make();
    await app.register(scopeladder, { service });
    let parsed = false;
    app.addContentTypeParser('application/x-test', { parseAs: 'string' }, (_request, body, done) => {
      parsed = true;
      done(null, body);
    });
    app.post('/contacts', { config: { scopeladder: { action: 'create', subject: 'Contact' } } }, async () => 'created');
    const reply = await app.inject({
      method: 'POST',
      url: '/contacts',
      headers: { authorization: `Bearer ${guestToken}`, 'content-type': 'application/x-test' },
      payload: 'body',
    });
    expect(reply.statusCode).toBe(403);
    expect(parsed).toBe(false);
  });

  it('the token routes keep their form parser to themselves', async () => {
    const app = make();
    await app.register(scopeladder, { service });
    app.post('/echo', { config: { scopeladder: false } }, async (request) => request.body);
    const form = await app.inject({
      method: 'POST',
      url: '/v2/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `email=${encodeURIComponent(GUEST.email)}&password=${GUEST.password}`,
    });
    expect(form.statusCode).toBe(200);
    const elsewhere = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=1',
    });
    expect(elsewhere.statusCode).toBe(415);
    expect(elsewhere.json().code).toBe('ERR_UNSUPPORTED_MEDIA_TYPE');
  });

  it('jsonBody: replaces the parsers with the shared reader (every type, none, a smaller route bodyLimit)', async () => {
    await expect(
      make()
        .register(scopeladder, { service, jsonBody: { maxDepth: 0 } })
        .ready(),
    ).rejects.toThrow(/jsonBody: maxDepth/);
    await expect(
      make()
        .register(scopeladder, { service, jsonBody: 'yes' as never })
        .ready(),
    ).rejects.toThrow(TypeError);
    const app = make();
    await app.register(scopeladder, { service, jsonBody: { maxDepth: 3 } });
    const echo = async (request: { body?: unknown }) => ({ body: request.body === undefined ? 'none' : request.body });
    app.route({ method: ['POST', 'DELETE'], url: '/echo', config: { scopeladder: false }, handler: echo });
    app.post('/small', { config: { scopeladder: false }, bodyLimit: 10 }, echo);
    const send = (method: 'POST' | 'DELETE', url: string, headers: Record<string, string>, payload?: string) =>
      app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
    const json = { 'content-type': 'application/json' };
    expect((await send('POST', '/echo', json, '{"a":[1]}')).json()).toEqual({ body: { a: [1] } });
    const emptyDelete = await send('DELETE', '/echo', json);
    expect([emptyDelete.statusCode, emptyDelete.json()]).toEqual([200, { body: 'none' }]);
    const deep = await send('POST', '/echo', json, '[[[[1]]]]');
    expect([deep.statusCode, deep.json().code]).toEqual([400, 'ERR_BODY_TOO_DEEP']);
    const untyped = await send('POST', '/echo', {}, '{"a":1}');
    expect([untyped.statusCode, untyped.json().code]).toEqual([415, 'ERR_UNSUPPORTED_MEDIA_TYPE']);
    const gzipLabel = await send('POST', '/echo', { ...json, 'content-encoding': 'gzip' }, '{"a":1}');
    expect([gzipLabel.statusCode, gzipLabel.json().code]).toEqual([400, 'ERR_INVALID_REQUEST']);
    const utf16 = await send('POST', '/echo', { 'content-type': 'application/json; charset=utf-16' }, '{}');
    expect([utf16.statusCode, utf16.json().code]).toEqual([415, 'ERR_UNSUPPORTED_MEDIA_TYPE']);
    const large = await send('POST', '/small', json, '{"a":"0123456789"}');
    expect([large.statusCode, large.json().code]).toEqual([413, 'ERR_PAYLOAD_TOO_LARGE']);
  });

  it('answerFrameworkError: a path that does not decode is 400 ERR_INVALID_REQUEST, never echoed', async () => {
    const app = Fastify({ frameworkErrors: answerFrameworkError });
    apps.push(app);
    await app.register(scopeladder, { service });
    app.get('/v2/organizations/:id', async () => ({}));
    for (const url of ['/v2/organizations/%zz', '/v2/organizations/%ff']) {
      const reply = await app.inject({ method: 'GET', url });
      expect(reply.statusCode).toBe(400);
      expect(reply.json()).toEqual({ code: 'ERR_INVALID_REQUEST', message: 'Malformed percent-encoding in the path' });
    }
  });
  it('answerFrameworkError shapes its body with the plugin’s formatError; misused formatError or discovery options fail at load', async () => {
    const app = Fastify({ frameworkErrors: answerFrameworkError });
    apps.push(app);
    await app.register(scopeladder, { service, formatError: ({ body }) => ({ error: { code: body.code, message: body.message } }) });
    app.get('/v2/organizations/:id', async () => ({}));
    const reply = await app.inject({ method: 'GET', url: '/v2/organizations/%zz' });
    expect(reply.statusCode).toBe(400);
    expect(reply.json()).toEqual({ error: { code: 'ERR_INVALID_REQUEST', message: 'Malformed percent-encoding in the path' } });
    await expect(
      make()
        .register(scopeladder, { service, formatError: 'json' as never })
        .ready(),
    ).rejects.toThrow(/formatError must be a function/);
    await expect(
      make()
        .register(scopeladder, { service, discovery: { issuer: 'http://api.example.com' } })
        .ready(),
    ).rejects.toThrow(/@scopeladder\/fastify: discovery: issuer must be an absolute https URL/);
  });

  it('decides each guard once per request: one authorization for a type-level guard, one load for a guard with load', async () => {
    const decisions: string[] = [];
    const counting: AuthService = {
      ...service,
      policy: {
        ...service.policy,
        authorize: (principal, action, target, fields) => {
          decisions.push(`${action} ${typeof target === 'string' ? target : 'record'}`);
          service.policy.authorize(principal, action, target, fields);
        },
      } as AuthService['policy'],
    };
    let loads = 0;
    const app = make();
    await app.register(scopeladder, { service: counting, tokenRoutes: false });
    app.get('/conversation', { config: { scopeladder: { action: 'fetch', subject: 'Conversation' } } }, async () => ({}));
    app.get(
      '/users/:id',
      { config: { scopeladder: { action: 'fetch', subject: 'User', load: () => (loads++, { id: GUEST.id }) } } },
      // The handler sends the request on to the 404 handler: its preHandler hooks run again, the guard must not.
      async (_request, reply) => reply.callNotFound(),
    );
    const headers = { authorization: `Bearer ${guestToken}` };
    expect((await app.inject({ url: '/conversation', headers })).statusCode).toBe(200);
    expect(decisions).toEqual(['fetch Conversation']);
    decisions.length = 0;
    expect((await app.inject({ url: `/users/${GUEST.id}`, headers })).statusCode).toBe(404);
    expect(decisions).toEqual(['fetch record']);
    expect(loads).toBe(1);
  });
});
