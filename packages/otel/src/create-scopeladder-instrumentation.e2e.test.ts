// End to end: a real auth service (memory directory and store) behind a real Express, Fastify or
// Koa app with a guard, over a socket; scopeladder publishes on its diagnostics channels, the
// instrumentation records into the OpenTelemetry SDK's in-memory exporters. On every adapter, the
// authentication and guard spans and metrics and the credential events appear with their
// documented attributes, the spans in the request's trace as children of its span (the context
// survives each framework's hooks, a body read included); no secret reaches any attribute, and
// disable() stops recording.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from '@koa/router';
import { context, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { chatshipperAliases, chatshipperFields, chatshipperMatrix, chatshipperScopes, definePolicy } from '@scopeladder/core';
import { createExpressAuth } from '@scopeladder/express';
import { scopeladderPlugin } from '@scopeladder/fastify';
import { createKoaAuth } from '@scopeladder/koa';
import { createAuthService, createMemoryDirectory, hashPassword, type AuthService } from '@scopeladder/tokens';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTRIBUTES, createScopeladderInstrumentation, METRIC_NAMES, SPAN_NAMES, type ScopeladderInstrumentation } from './index.js';
import { createTestSdk, sumOf, useAsyncContext, type TestSdk } from './test-support.js';

const policy = definePolicy({ scopes: chatshipperScopes, aliases: chatshipperAliases, matrix: chatshipperMatrix, fields: chatshipperFields });
const SECRET = 'otel-e2e-secret-otel-e2e-secret-0123456789';
const ADMIN = { id: 'aaaaaaaaaaaaaaaaaaaaaaaa', email: 'ada@example.test', password: 'ada-password-0123' };
const GUEST = { id: 'bbbbbbbbbbbbbbbbbbbbbbbb', email: 'gina@example.test', password: 'gina-password-0123' };
const BOT = { id: 'cccccccccccccccccccccccc', email: 'bot@example.test' };
const FAST = { N: 1024, r: 1, p: 1 };

/** The user record a guard with `load` reads. */
const userRecord = (id: string): { id: string } => ({ id });

/** An app listening on 127.0.0.1. */
interface RunningApp {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts the framework's app, which serves, with scopeladder's adapter mounted as its README says:
 * - `GET /v2/users`: authenticated, guard `list User`, answers `[]`;
 * - `PATCH /v2/users/:id`: authenticated, the JSON body read by the adapter's body reader, guard
 *   `update User` with a `load` (decided after the body is read), answers the body;
 * - errors answered by the adapter's error handling.
 * Before anything of scopeladder's, what an HTTP instrumentation does: a span named
 * `METHOD /path`, active while the request is handled, ended when the response is finished.
 */
type Mount = (service: AuthService, tracer: Tracer) => Promise<RunningApp>;

/** The request's span (see {@link Mount}), active in `run`. */
function withRequestSpan<T>(tracer: Tracer, method: string, path: string, response: NodeJS.EventEmitter, run: () => T): T {
  const span: Span = tracer.startSpan(`${method} ${path}`);
  response.on('finish', () => span.end());
  return context.with(trace.setSpan(context.active(), span), run);
}

async function listen(server: Server): Promise<RunningApp> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

const mountExpress: Mount = async (service, tracer) => {
  const auth = createExpressAuth({ service });
  const app = express();
  app.use((req, res, next) => withRequestSpan(tracer, req.method, req.path, res, next));
  app.use('/v2', auth.authenticate);
  app.get('/v2/users', auth.authorize('list', 'User'), (_req, res) => {
    res.json([]);
  });
  app.patch('/v2/users/:id', auth.jsonBody(), auth.authorize('update', 'User', { load: (req) => userRecord(String(req.params.id)) }), (req, res) => {
    res.json(req.body);
  });
  app.use(auth.errorHandler);
  return listen(createServer(app));
};

const mountFastify: Mount = async (service, tracer) => {
  const app = Fastify();
  // Added before the plugin registers its own onRequest hook: it runs first.
  app.addHook('onRequest', (request, reply, done) => {
    withRequestSpan(tracer, request.method, request.url.split('?', 1)[0]!, reply.raw, done);
  });
  await app.register(scopeladderPlugin, { service, jsonBody: true, tokenRoutes: false });
  app.get('/v2/users', { config: { scopeladder: { action: 'list', subject: 'User' } } }, async () => []);
  app.patch<{ Params: { id: string } }>(
    '/v2/users/:id',
    { config: { scopeladder: { action: 'update', subject: 'User', load: (request) => userRecord(String(request.params.id)) } } },
    async (request) => request.body,
  );
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => app.close() };
};

const mountKoa: Mount = async (service, tracer) => {
  const auth = createKoaAuth({ service });
  const app = new Koa();
  app.use((ctx, next) => withRequestSpan(tracer, ctx.method, ctx.path, ctx.res, next));
  app.use(auth.errorHandler);
  const v2 = new Router();
  v2.use(auth.authenticate);
  v2.get('/v2/users', auth.authorize('list', 'User'), (ctx) => {
    ctx.body = [];
  });
  v2.patch('/v2/users/:id', auth.jsonBody(), auth.authorize('update', 'User', { load: (ctx) => userRecord(String(ctx.params.id)) }), (ctx) => {
    ctx.body = ctx.request.body;
  });
  app.use(v2.routes());
  return listen(createServer(app.callback()));
};

/** Each adapter, by its framework's name. */
const FRAMEWORKS: readonly (readonly [name: string, mount: Mount])[] = [
  ['Express', mountExpress],
  ['Fastify', mountFastify],
  ['Koa', mountKoa],
];

/**
 * The request spans among `spans` (in the order they started), each with the names of the
 * scopeladder spans that are its children (same trace, parent = its span), then the scopeladder
 * spans that are the child of no request span: the context was lost on the way.
 */
function requestTrees(spans: readonly ReadableSpan[]): ({ request: string; children: string[] } | { orphans: string[] })[] {
  const ours = spans.filter((span) => span.name.startsWith('scopeladder.'));
  const requests = spans.filter((span) => !span.name.startsWith('scopeladder.')).sort((a, b) => compareTimes(a.startTime, b.startTime));
  const childOf = (span: ReadableSpan, request: ReadableSpan): boolean =>
    span.spanContext().traceId === request.spanContext().traceId && span.parentSpanContext?.spanId === request.spanContext().spanId;
  return [
    ...requests.map((request) => ({
      request: request.name,
      children: ours
        .filter((span) => childOf(span, request))
        // By name, not start time: the authenticate span's start is computed back from its
        // duration on the monotonic clock, the authorize span's is the SDK's own; a few
        // milliseconds apart they may order either way. What is checked here is the parent.
        .map((span) => span.name)
        .sort(),
    })),
    { orphans: ours.filter((span) => !requests.some((request) => childOf(span, request))).map((span) => span.name) },
  ];
}

function compareTimes([aSeconds, aNanos]: readonly [number, number], [bSeconds, bNanos]: readonly [number, number]): number {
  return aSeconds - bSeconds || aNanos - bNanos;
}

describe.each(FRAMEWORKS)('@scopeladder/otel with a real auth service and a %s guard', (_name, mount) => {
  let sdk: TestSdk;
  let service: AuthService;
  let instrumentation: ScopeladderInstrumentation;
  let app: RunningApp;
  /** Every secret the test used or the service issued: none may appear in any attribute. */
  const secrets: string[] = [SECRET, ADMIN.password, GUEST.password, ADMIN.email, GUEST.email, BOT.email];

  beforeAll(async () => {
    useAsyncContext();
    sdk = createTestSdk();
    const hashes = [await hashPassword(ADMIN.password, FAST), await hashPassword(GUEST.password, FAST)];
    secrets.push(...hashes);
    service = createAuthService({
      directory: createMemoryDirectory([
        { id: ADMIN.id, email: ADMIN.email, role: 'admin', passwordHash: hashes[0]! },
        { id: GUEST.id, email: GUEST.email, role: 'guest', passwordHash: hashes[1]! },
        { id: BOT.id, email: BOT.email, role: 'bot', kind: 'bot' },
      ]),
      policy,
      keys: { algorithm: 'HS256', secret: SECRET },
      passwordHashOptions: FAST,
      throttle: false,
    });
    app = await mount(service, sdk.tracerProvider.getTracer('http'));
    instrumentation = createScopeladderInstrumentation({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider });
    instrumentation.enable();
  });
  afterAll(async () => {
    instrumentation.disable();
    await app.close();
    await sdk.shutdown();
  });

  async function listUsers(authorization: string): Promise<number> {
    const response = await fetch(`${app.url}/v2/users`, { headers: { authorization } });
    await response.arrayBuffer();
    return response.status;
  }

  /** `PATCH path` with a JSON body sent only once the headers are received. */
  function patchSlowly(path: string, authorization: string, body: unknown): Promise<{ status: number; body: unknown }> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        `${app.url}${path}`,
        { method: 'PATCH', headers: { authorization, 'content-type': 'application/json' } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString()) as unknown }));
        },
      );
      request.on('error', reject);
      request.flushHeaders();
      setTimeout(() => request.end(JSON.stringify(body)), 20);
    });
  }

  /** Every string value of every attribute of every span, span event and metric point recorded. */
  async function recordedStrings(): Promise<string[]> {
    const values: unknown[] = [];
    for (const span of sdk.spans()) {
      values.push(span.name, ...Object.values(span.attributes), span.status.message);
      for (const event of span.events) values.push(event.name, ...Object.values(event.attributes ?? {}));
    }
    for (const metric of await sdk.metrics()) {
      for (const point of metric.dataPoints as { attributes: Record<string, unknown> }[]) values.push(...Object.values(point.attributes));
    }
    return values.flatMap((value) => (Array.isArray(value) ? value : [value])).filter((value): value is string => typeof value === 'string');
  }

  it('records every span and metric with the documented attributes, and no secret', async () => {
    const admin = await service.login({ email: ADMIN.email, password: ADMIN.password });
    const guest = await service.login({ email: GUEST.email, password: GUEST.password });
    await expect(service.login({ email: GUEST.email, password: 'wrong-password-0123' })).rejects.toThrow();
    secrets.push(admin.token, admin.refreshToken, guest.token, guest.refreshToken);

    expect(await listUsers(`Bearer ${admin.token}`)).toBe(200);
    expect(await listUsers(`Bearer ${guest.token}`)).toBe(403);
    expect(await listUsers(`Bearer ${admin.token.slice(0, -4)}AAAA`)).toBe(401);

    // Refresh-token reuse: the second use of the same refresh token revokes the session.
    const rotated = await service.refresh(guest.refreshToken);
    secrets.push(rotated.token, rotated.refreshToken);
    await expect(service.refresh(guest.refreshToken)).rejects.toThrow();

    // A bot's API key: authenticated, then revoked.
    const key = await service.createApiKey(BOT.id, ['bot']);
    secrets.push(key.apiKey);
    await service.authenticate(`Bearer ${key.apiKey}`);
    await service.revokeApiKey(key.id);

    const spans = sdk.spans();
    const authenticate = spans.filter((span) => span.name === SPAN_NAMES.authenticate);
    expect(authenticate.map((span) => span.attributes[ATTRIBUTES.authenticationOutcome])).toEqual(['success', 'success', 'failure', 'success']);
    expect(authenticate[0]!.attributes).toMatchObject({
      [ATTRIBUTES.credentialKind]: 'jwt',
      [ATTRIBUTES.principalId]: ADMIN.id,
      [ATTRIBUTES.principalKind]: 'user',
    });
    expect(typeof authenticate[0]!.attributes[ATTRIBUTES.sessionId]).toBe('string');
    expect(authenticate[2]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(authenticate[2]!.attributes).toMatchObject({ [ATTRIBUTES.credentialKind]: 'jwt', [ATTRIBUTES.errorType]: 'ERR_TOKEN_INVALID' });

    expect(sumOf(await sdk.points(METRIC_NAMES.authenticationFailures), { [ATTRIBUTES.errorType]: 'ERR_TOKEN_INVALID' })).toBe(1);
    expect(authenticate[3]!.attributes).toMatchObject({
      [ATTRIBUTES.credentialKind]: 'apiKey',
      [ATTRIBUTES.apiKeyId]: key.id,
      [ATTRIBUTES.principalId]: BOT.id,
      [ATTRIBUTES.principalKind]: 'bot',
    });
    expect(sumOf(await sdk.points(METRIC_NAMES.authenticationDuration))).toBe(4);
    expect(sumOf(await sdk.points(METRIC_NAMES.authenticationDuration), { [ATTRIBUTES.credentialKind]: 'apiKey' })).toBe(1);
    expect(sumOf(await sdk.points(METRIC_NAMES.refreshReuses))).toBe(1);
    const events = await sdk.points(METRIC_NAMES.credentialEvents);
    expect(sumOf(events, { [ATTRIBUTES.credentialEvent]: 'login.succeeded' })).toBe(2);
    expect(sumOf(events, { [ATTRIBUTES.credentialEvent]: 'login.failed' })).toBe(1);
    expect(sumOf(events, { [ATTRIBUTES.credentialEvent]: 'refresh.succeeded' })).toBe(1);
    expect(sumOf(events, { [ATTRIBUTES.credentialEvent]: 'refresh.reused' })).toBe(1);
    expect(sumOf(events, { [ATTRIBUTES.credentialEvent]: 'apikey.created' })).toBe(1);
    expect(sumOf(events, { [ATTRIBUTES.credentialEvent]: 'apikey.revoked' })).toBe(1);

    // No metric point carries an id.
    for (const metric of await sdk.metrics()) {
      for (const point of metric.dataPoints as { attributes: Record<string, unknown> }[]) {
        expect(point.attributes).not.toHaveProperty(ATTRIBUTES.principalId);
        expect(point.attributes).not.toHaveProperty(ATTRIBUTES.sessionId);
      }
    }
    const recorded = await recordedStrings();
    expect(recorded.length).toBeGreaterThan(20);
    for (const secret of secrets) {
      for (const value of recorded) expect(value.includes(secret), `an attribute contains a secret: ${value}`).toBe(false);
    }
  });

  it('records nothing more once disabled', async () => {
    const scopeladderSpans = (): number => sdk.spans().filter((span) => span.name.startsWith('scopeladder.')).length;
    const spans = scopeladderSpans();
    const decisions = sumOf(await sdk.points(METRIC_NAMES.decisions));
    instrumentation.disable();
    try {
      const admin = await service.login({ email: ADMIN.email, password: ADMIN.password });
      expect(await listUsers(`Bearer ${admin.token}`)).toBe(200);
      expect(await listUsers('Bearer nope')).toBe(401);
      expect(scopeladderSpans()).toBe(spans);
      expect(sumOf(await sdk.points(METRIC_NAMES.decisions))).toBe(decisions);
    } finally {
      instrumentation.enable();
    }
  });

  it("puts the spans in the request's trace, children of its span, whatever the outcome", async () => {
    const admin = await service.login({ email: ADMIN.email, password: ADMIN.password });
    const guest = await service.login({ email: GUEST.email, password: GUEST.password });
    secrets.push(admin.token, admin.refreshToken, guest.token, guest.refreshToken);
    const before = sdk.spans().length;
    expect(await listUsers(`Bearer ${admin.token}`)).toBe(200);
    expect(await listUsers(`Bearer ${guest.token}`)).toBe(403);
    expect(await listUsers('Bearer nope')).toBe(401);
    await new Promise((resolve) => setImmediate(resolve));
    expect(requestTrees(sdk.spans().slice(before))).toEqual([
      { request: 'GET /v2/users', children: [SPAN_NAMES.authenticate, SPAN_NAMES.authorize] },
      { request: 'GET /v2/users', children: [SPAN_NAMES.authenticate, SPAN_NAMES.authorize] },
      { request: 'GET /v2/users', children: [SPAN_NAMES.authenticate] },
      { orphans: [] },
    ]);
  });

  it("keeps the guard's span in the request's trace when the guard is decided after the body is read", async () => {
    const admin = await service.login({ email: ADMIN.email, password: ADMIN.password });
    secrets.push(admin.token, admin.refreshToken);
    const before = sdk.spans().length;
    // The body comes in a later packet than the headers: it is read in a later turn of the event loop.
    const answer = await patchSlowly(`/v2/users/${ADMIN.id}`, `Bearer ${admin.token}`, { name: 'Ada' });
    expect(answer).toEqual({ status: 200, body: { name: 'Ada' } });
    await new Promise((resolve) => setImmediate(resolve));
    const spans = sdk.spans().slice(before);
    expect(requestTrees(spans)).toEqual([
      { request: `PATCH /v2/users/${ADMIN.id}`, children: [SPAN_NAMES.authenticate, SPAN_NAMES.authorize] },
      { orphans: [] },
    ]);
    expect(spans.find((span) => span.name === SPAN_NAMES.authorize)!.attributes).toMatchObject({
      [ATTRIBUTES.decisionOutcome]: 'allow',
      [ATTRIBUTES.decisionLevel]: 'record',
      [ATTRIBUTES.action]: 'update',
      [ATTRIBUTES.httpRoute]: '/v2/users/:id',
    });
  });

  it('records every guard decision: an authorize span with the decision and the route, counted by outcome and reason', async () => {
    const admin = await service.login({ email: ADMIN.email, password: ADMIN.password });
    const guest = await service.login({ email: GUEST.email, password: GUEST.password });
    secrets.push(admin.token, admin.refreshToken, guest.token, guest.refreshToken);
    const before = sdk.spans().length;
    const decisionsBefore = await sdk.points(METRIC_NAMES.decisions);
    const allowedBefore = sumOf(decisionsBefore, { [ATTRIBUTES.decisionOutcome]: 'allow', [ATTRIBUTES.decisionReason]: 'granted' });
    const deniedBefore = sumOf(decisionsBefore, { [ATTRIBUTES.decisionOutcome]: 'deny', [ATTRIBUTES.decisionReason]: 'insufficient_scope' });

    expect(await listUsers(`Bearer ${admin.token}`)).toBe(200);
    expect(await listUsers(`Bearer ${guest.token}`)).toBe(403);
    await new Promise((resolve) => setImmediate(resolve));

    const authorize = sdk
      .spans()
      .slice(before)
      .filter((span) => span.name === SPAN_NAMES.authorize);
    expect(authorize).toHaveLength(2);
    expect(authorize[0]!.attributes).toMatchObject({
      [ATTRIBUTES.decisionOutcome]: 'allow',
      [ATTRIBUTES.decisionReason]: 'granted',
      [ATTRIBUTES.decisionLevel]: 'type',
      [ATTRIBUTES.action]: 'list',
      [ATTRIBUTES.subject]: 'User',
      [ATTRIBUTES.principalId]: ADMIN.id,
      [ATTRIBUTES.principalKind]: 'user',
      [ATTRIBUTES.route]: 'GET /v2/users',
      [ATTRIBUTES.httpRoute]: '/v2/users',
    });
    expect(authorize[1]!.attributes).toMatchObject({
      [ATTRIBUTES.decisionOutcome]: 'deny',
      [ATTRIBUTES.decisionReason]: 'insufficient_scope',
      [ATTRIBUTES.decisionCode]: 'ERR_INSUFFICIENT_SCOPE',
      [ATTRIBUTES.principalId]: GUEST.id,
      [ATTRIBUTES.httpRoute]: '/v2/users',
    });
    expect(typeof authorize[1]!.attributes[ATTRIBUTES.requiredScope]).toBe('string');
    expect(authorize[1]!.status.code).toBe(SpanStatusCode.UNSET);
    expect(requestTrees(sdk.spans().slice(before))).toEqual([
      { request: 'GET /v2/users', children: [SPAN_NAMES.authenticate, SPAN_NAMES.authorize] },
      { request: 'GET /v2/users', children: [SPAN_NAMES.authenticate, SPAN_NAMES.authorize] },
      { orphans: [] },
    ]);

    const decisions = await sdk.points(METRIC_NAMES.decisions);
    expect(sumOf(decisions, { [ATTRIBUTES.decisionOutcome]: 'allow', [ATTRIBUTES.decisionReason]: 'granted' })).toBe(allowedBefore + 1);
    expect(sumOf(decisions, { [ATTRIBUTES.decisionOutcome]: 'deny', [ATTRIBUTES.decisionReason]: 'insufficient_scope' })).toBe(deniedBefore + 1);
    for (const point of decisions) expect(point.attributes).not.toHaveProperty(ATTRIBUTES.principalId);
    const recorded = await recordedStrings();
    for (const secret of secrets) {
      for (const value of recorded) expect(value.includes(secret), `an attribute contains a secret: ${value}`).toBe(false);
    }
  });
});
