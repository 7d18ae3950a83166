// End to end: a real auth service (memory directory and store) behind a real Express app with a
// guard, over a socket; scopeladder publishes on its diagnostics channels, the instrumentation
// records into the OpenTelemetry SDK's in-memory exporters. The authentication and guard spans
// and metrics and the credential events appear with their documented attributes, in the request's
// trace; no secret reaches any attribute, and disable() stops recording.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { chatshipperAliases, chatshipperFields, chatshipperMatrix, chatshipperScopes, definePolicy } from '@scopeladder/core';
import { createExpressAuth } from '@scopeladder/express';
import { createAuthService, createMemoryDirectory, hashPassword, type AuthService } from '@scopeladder/tokens';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTRIBUTES, createScopeladderInstrumentation, METRIC_NAMES, SPAN_NAMES, type ScopeladderInstrumentation } from './index.js';
import { createTestSdk, sumOf, useAsyncContext, type TestSdk } from './test-support.js';

const policy = definePolicy({ scopes: chatshipperScopes, aliases: chatshipperAliases, matrix: chatshipperMatrix, fields: chatshipperFields });
const SECRET = 'otel-e2e-secret-otel-e2e-secret-0123456789';
const ADMIN = { id: 'aaaaaaaaaaaaaaaaaaaaaaaa', email: 'ada@example.test', password: 'ada-password-0123' };
const GUEST = { id: 'bbbbbbbbbbbbbbbbbbbbbbbb', email: 'gina@example.test', password: 'gina-password-0123' };
const BOT = { id: 'cccccccccccccccccccccccc', email: 'bot@example.test' };
const FAST = { N: 1024, r: 1, p: 1 };

let sdk: TestSdk;
let service: AuthService;
let instrumentation: ScopeladderInstrumentation;
let server: Server;
let url: string;
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
  const auth = createExpressAuth({ service });
  const app = express();
  // What an HTTP instrumentation does: the request's span, active while the request is handled.
  app.use((req, res, next) => {
    const span = sdk.tracerProvider.getTracer('http').startSpan(`${req.method} ${req.path}`);
    res.on('finish', () => span.end());
    context.with(trace.setSpan(context.active(), span), next);
  });
  app.use('/v2', auth.authenticate);
  app.get('/v2/users', auth.authorize('list', 'User'), (_req, res) => {
    res.json([]);
  });
  app.use(auth.errorHandler);
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  instrumentation = createScopeladderInstrumentation({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider });
  instrumentation.enable();
});
afterAll(async () => {
  instrumentation.disable();
  await new Promise((resolve) => server.close(resolve));
  await sdk.shutdown();
});

async function listUsers(authorization: string): Promise<number> {
  const response = await fetch(`${url}/v2/users`, { headers: { authorization } });
  await response.arrayBuffer();
  return response.status;
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

describe('@scopeladder/otel with a real auth service and an Express guard', () => {
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

  it("puts the spans in the request's trace, children of its span", async () => {
    const admin = await service.login({ email: ADMIN.email, password: ADMIN.password });
    const before = sdk.spans().length;
    expect(await listUsers(`Bearer ${admin.token}`)).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    const spans = sdk.spans().slice(before);
    const request = spans.find((span) => span.name === 'GET /v2/users')!;
    const authenticate = spans.find((span) => span.name === SPAN_NAMES.authenticate)!;
    expect(authenticate.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(authenticate.spanContext().traceId).toBe(request.spanContext().traceId);
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
    const request = sdk
      .spans()
      .slice(before)
      .find((span) => span.name === 'GET /v2/users')!;
    expect(authorize[0]!.parentSpanContext?.spanId).toBe(request.spanContext().spanId);

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
