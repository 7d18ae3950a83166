// The instrumentation against the diagnostics contract: messages of the documented shapes,
// published on the real channels, recorded by the real OpenTelemetry SDK (in-memory exporters).
// The end-to-end test with a real auth service and guard is instrumentation.e2e.test.ts.
import { channel } from 'node:diagnostics_channel';
import { context, diag, DiagLogLevel, SpanKind, SpanStatusCode, trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import {
  AUTHENTICATE_CHANNEL,
  CREDENTIAL_CHANNEL,
  DECISION_CHANNEL,
  type AuthenticateMessage,
  type CredentialEvent,
  type DecisionMessage,
} from '@scopeladder/tokens/diagnostics';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ATTRIBUTES,
  createScopeladderInstrumentation,
  INSTRUMENTATION_SCOPE,
  METRIC_NAMES,
  SPAN_NAMES,
  type ScopeladderInstrumentation,
} from './index.js';
import { toHrTime } from './lib/recorders.js';
import { createTestSdk, sumOf, useAsyncContext, type TestSdk } from './test-support.js';

const authenticateChannel = channel(AUTHENTICATE_CHANNEL);
const decisionChannel = channel(DECISION_CHANNEL);
const credentialChannel = channel(CREDENTIAL_CHANNEL);

const OK_JWT: AuthenticateMessage = {
  version: 1,
  ok: true,
  credential: 'jwt',
  code: null,
  principalId: 'u1',
  principalKind: 'user',
  organization: 'org1',
  sessionId: 's1',
  keyId: null,
  durationMs: 1.5,
};
const EXPIRED: AuthenticateMessage = {
  version: 1,
  ok: false,
  credential: 'jwt',
  code: 'ERR_TOKEN_EXPIRED',
  principalId: null,
  principalKind: null,
  organization: null,
  sessionId: null,
  keyId: null,
  durationMs: 0.25,
};
const DENIED: DecisionMessage = {
  version: 1,
  allowed: false,
  principalId: 'u1',
  principalKind: 'user',
  organization: null,
  action: 'list',
  subject: 'User',
  level: 'type',
  field: null,
  reason: 'insufficient_scope',
  requiredScope: 'admin',
  code: 'ERR_INSUFFICIENT_SCOPE',
  route: 'GET /v2/users',
};
const ALLOWED: DecisionMessage = { ...DENIED, allowed: true, reason: 'granted', requiredScope: null, code: null, route: null };
const REUSED: CredentialEvent = { version: 1, type: 'refresh.reused', userId: 'u1', sessionId: 's1', familyRevoked: true };

let sdk: TestSdk;
let instrumentation: ScopeladderInstrumentation | undefined;

function instrument(options: Parameters<typeof createScopeladderInstrumentation>[0] = {}): ScopeladderInstrumentation {
  instrumentation = createScopeladderInstrumentation({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider, ...options });
  instrumentation.enable();
  return instrumentation;
}

beforeEach(() => {
  useAsyncContext();
  sdk = createTestSdk();
});
afterEach(async () => {
  instrumentation?.disable();
  instrumentation = undefined;
  await sdk.shutdown();
});

describe('createScopeladderInstrumentation', () => {
  it('refuses misuse at construction with a TypeError', () => {
    expect(() => createScopeladderInstrumentation(null as never)).toThrow(TypeError);
    expect(() => createScopeladderInstrumentation([] as never)).toThrow(TypeError);
    expect(() => createScopeladderInstrumentation({ traces: 'yes' } as never)).toThrow(TypeError);
    expect(() => createScopeladderInstrumentation({ metrics: 1 } as never)).toThrow(TypeError);
    expect(() => createScopeladderInstrumentation({ principalId: 'no' } as never)).toThrow(TypeError);
    expect(() => createScopeladderInstrumentation({ tracerProvider: {} } as never)).toThrow(/tracerProvider/);
    expect(() => createScopeladderInstrumentation({ meterProvider: null } as never)).toThrow(/meterProvider/);
    expect(() => createScopeladderInstrumentation({ tracer: sdk.tracerProvider } as never)).toThrow(/unknown option "tracer"/);
    expect(() => createScopeladderInstrumentation()).not.toThrow();
  });

  it('records nothing and subscribes to nothing before enable()', async () => {
    const created = createScopeladderInstrumentation({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider });
    expect(created.enabled).toBe(false);
    expect(authenticateChannel.hasSubscribers).toBe(false);
    authenticateChannel.publish(OK_JWT);
    expect(sdk.spans()).toEqual([]);
    expect(await sdk.metrics()).toEqual([]);
  });

  it('a successful authentication: one span with its duration and attributes, one histogram point in seconds, no failure', async () => {
    instrument();
    authenticateChannel.publish(OK_JWT);
    const [span, ...others] = sdk.spans();
    expect(others).toEqual([]);
    expect(span!.name).toBe(SPAN_NAMES.authenticate);
    expect(span!.kind).toBe(SpanKind.INTERNAL);
    expect(span!.instrumentationScope).toMatchObject(INSTRUMENTATION_SCOPE);
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.attributes).toEqual({
      [ATTRIBUTES.authenticationOutcome]: 'success',
      [ATTRIBUTES.credentialKind]: 'jwt',
      [ATTRIBUTES.principalId]: 'u1',
      [ATTRIBUTES.principalKind]: 'user',
      [ATTRIBUTES.organization]: 'org1',
      [ATTRIBUTES.sessionId]: 's1',
    });
    const durationMs = span!.duration[0] * 1e3 + span!.duration[1] / 1e6;
    expect(durationMs).toBeCloseTo(1.5, 3);

    const [point, ...morePoints] = await sdk.points(METRIC_NAMES.authenticationDuration);
    expect(morePoints).toEqual([]);
    expect(point!.attributes).toEqual({ [ATTRIBUTES.authenticationOutcome]: 'success', [ATTRIBUTES.credentialKind]: 'jwt' });
    expect(point!.value).toMatchObject({ count: 1, sum: 0.0015 });
    const histogram = (await sdk.metrics()).find((metric) => metric.descriptor.name === METRIC_NAMES.authenticationDuration)!;
    expect(histogram.descriptor.unit).toBe('s');
    expect(await sdk.points(METRIC_NAMES.authenticationFailures)).toEqual([]);
  });

  it('a failed authentication: an ERROR span with error.type, a failure counted by code and credential kind', async () => {
    instrument();
    authenticateChannel.publish(EXPIRED);
    authenticateChannel.publish(EXPIRED);
    authenticateChannel.publish({ ...EXPIRED, credential: null, code: 'ERR_UNAUTHENTICATED' });
    const spans = sdk.spans();
    expect(spans).toHaveLength(3);
    expect(spans[0]!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'ERR_TOKEN_EXPIRED' });
    expect(spans[0]!.attributes).toEqual({
      [ATTRIBUTES.authenticationOutcome]: 'failure',
      [ATTRIBUTES.credentialKind]: 'jwt',
      [ATTRIBUTES.errorType]: 'ERR_TOKEN_EXPIRED',
    });
    expect(spans[2]!.attributes).toEqual({ [ATTRIBUTES.authenticationOutcome]: 'failure', [ATTRIBUTES.errorType]: 'ERR_UNAUTHENTICATED' });
    const failures = await sdk.points(METRIC_NAMES.authenticationFailures);
    expect(sumOf(failures, { [ATTRIBUTES.errorType]: 'ERR_TOKEN_EXPIRED', [ATTRIBUTES.credentialKind]: 'jwt' })).toBe(2);
    expect(sumOf(failures, { [ATTRIBUTES.errorType]: 'ERR_UNAUTHENTICATED' })).toBe(1);
    expect(failures.find((point) => point.attributes[ATTRIBUTES.errorType] === 'ERR_UNAUTHENTICATED')!.attributes).toEqual({
      [ATTRIBUTES.errorType]: 'ERR_UNAUTHENTICATED',
    });
    const durations = await sdk.points(METRIC_NAMES.authenticationDuration);
    expect(sumOf(durations, { [ATTRIBUTES.authenticationOutcome]: 'failure', [ATTRIBUTES.errorType]: 'ERR_TOKEN_EXPIRED' })).toBe(2);
  });

  it('an API key: the key id and bot kind on the span', () => {
    instrument();
    authenticateChannel.publish({ ...OK_JWT, credential: 'apiKey', principalKind: 'bot', sessionId: null, keyId: 'k1' });
    expect(sdk.spans()[0]!.attributes).toMatchObject({
      [ATTRIBUTES.credentialKind]: 'apiKey',
      [ATTRIBUTES.apiKeyId]: 'k1',
      [ATTRIBUTES.principalKind]: 'bot',
    });
    expect(sdk.spans()[0]!.attributes).not.toHaveProperty(ATTRIBUTES.sessionId);
  });

  it('a denial: an authorize span with the decision, the route as http.route, status unset; counted by outcome and reason', async () => {
    instrument();
    decisionChannel.publish(DENIED);
    decisionChannel.publish(ALLOWED);
    decisionChannel.publish({ ...DENIED, level: 'record', reason: 'field_not_permitted', field: 'role', code: 'ERR_FORBIDDEN', requiredScope: null });
    const [denied, allowed, field] = sdk.spans();
    expect(denied!.name).toBe(SPAN_NAMES.authorize);
    expect(denied!.status.code).toBe(SpanStatusCode.UNSET);
    expect(denied!.attributes).toEqual({
      [ATTRIBUTES.decisionOutcome]: 'deny',
      [ATTRIBUTES.decisionReason]: 'insufficient_scope',
      [ATTRIBUTES.decisionLevel]: 'type',
      [ATTRIBUTES.decisionCode]: 'ERR_INSUFFICIENT_SCOPE',
      [ATTRIBUTES.action]: 'list',
      [ATTRIBUTES.subject]: 'User',
      [ATTRIBUTES.requiredScope]: 'admin',
      [ATTRIBUTES.principalId]: 'u1',
      [ATTRIBUTES.principalKind]: 'user',
      [ATTRIBUTES.route]: 'GET /v2/users',
      [ATTRIBUTES.httpRoute]: '/v2/users',
    });
    expect(allowed!.attributes).toEqual({
      [ATTRIBUTES.decisionOutcome]: 'allow',
      [ATTRIBUTES.decisionReason]: 'granted',
      [ATTRIBUTES.decisionLevel]: 'type',
      [ATTRIBUTES.action]: 'list',
      [ATTRIBUTES.subject]: 'User',
      [ATTRIBUTES.principalId]: 'u1',
      [ATTRIBUTES.principalKind]: 'user',
    });
    expect(field!.attributes).toMatchObject({ [ATTRIBUTES.field]: 'role', [ATTRIBUTES.decisionLevel]: 'record' });
    const decisions = await sdk.points(METRIC_NAMES.decisions);
    expect(decisions.map((point) => point.attributes)).toEqual(
      expect.arrayContaining([
        {
          [ATTRIBUTES.decisionOutcome]: 'deny',
          [ATTRIBUTES.decisionReason]: 'insufficient_scope',
          [ATTRIBUTES.action]: 'list',
          [ATTRIBUTES.subject]: 'User',
        },
        { [ATTRIBUTES.decisionOutcome]: 'allow', [ATTRIBUTES.decisionReason]: 'granted', [ATTRIBUTES.action]: 'list', [ATTRIBUTES.subject]: 'User' },
      ]),
    );
    expect(sumOf(decisions)).toBe(3);
  });

  it('a route the adapter named in another shape keeps scopeladder.route only', () => {
    instrument();
    decisionChannel.publish({ ...DENIED, route: 'users.list' });
    expect(sdk.spans()[0]!.attributes).toMatchObject({ [ATTRIBUTES.route]: 'users.list' });
    expect(sdk.spans()[0]!.attributes).not.toHaveProperty(ATTRIBUTES.httpRoute);
  });

  it('spans are children of the span active where scopeladder published', () => {
    instrument();
    const parent = sdk.tracerProvider.getTracer('test').startSpan('GET /v2/users');
    context.with(trace.setSpan(context.active(), parent), () => {
      authenticateChannel.publish(OK_JWT);
      decisionChannel.publish(DENIED);
      credentialChannel.publish(REUSED);
    });
    parent.end();
    const [authenticate, authorize] = sdk.spans();
    for (const span of [authenticate!, authorize!]) {
      expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      expect(span.spanContext().traceId).toBe(parent.spanContext().traceId);
    }
    const finishedParent = sdk.spans().find((span) => span.name === 'GET /v2/users')!;
    expect(finishedParent.events.map((event) => [event.name, event.attributes])).toEqual([
      ['scopeladder.refresh.reused', { [ATTRIBUTES.credentialEvent]: 'refresh.reused' }],
    ]);
  });

  it("the authenticate span is on the SDK's clock (Date.now(), as other spans start), not on the monotonic one", () => {
    // In a long-lived process the wall clock and performance.timeOrigin + performance.now() drift
    // apart (NTP slews one, not the other): a span timed on the monotonic clock could start before
    // its parent or end after it. Here the wall clock is 40 s ahead of the monotonic one.
    const skew = 40_000;
    let wall = Math.floor(performance.timeOrigin + performance.now()) + skew;
    const now = vi.spyOn(Date, 'now').mockImplementation(() => wall);
    try {
      instrument();
      const parent = sdk.tracerProvider.getTracer('test').startSpan('GET /v2/users');
      const parentStart = wall;
      wall += 10;
      context.with(trace.setSpan(context.active(), parent), () => authenticateChannel.publish({ ...OK_JWT, durationMs: 4 }));
      parent.end(toHrTime(wall + 1));
      const authenticate = sdk.spans().find((span) => span.name === SPAN_NAMES.authenticate)!;
      expect(authenticate.startTime).toEqual(toHrTime(parentStart + 6));
      expect(authenticate.endTime).toEqual(toHrTime(parentStart + 10));
      expect(sdk.spans().find((span) => span.name === 'GET /v2/users')!.startTime).toEqual(toHrTime(parentStart));
    } finally {
      now.mockRestore();
    }
  });

  it('credential events: each counted by type; a refresh reuse also on its own counter', async () => {
    instrument();
    credentialChannel.publish(REUSED);
    credentialChannel.publish({ version: 1, type: 'logout', userId: 'u1', sessionId: 's2' } satisfies CredentialEvent);
    credentialChannel.publish({ version: 1, type: 'store.unavailable' } satisfies CredentialEvent);
    expect(sumOf(await sdk.points(METRIC_NAMES.refreshReuses))).toBe(1);
    const events = await sdk.points(METRIC_NAMES.credentialEvents);
    expect(sumOf(events, { [ATTRIBUTES.credentialEvent]: 'refresh.reused' })).toBe(1);
    expect(sumOf(events, { [ATTRIBUTES.credentialEvent]: 'logout' })).toBe(1);
    expect(sumOf(events, { [ATTRIBUTES.credentialEvent]: 'store.unavailable' })).toBe(1);
    // No active span: no span is created for a credential event.
    expect(sdk.spans()).toEqual([]);
  });

  it('principalId: false keeps principal ids off the spans', () => {
    instrument({ principalId: false });
    authenticateChannel.publish(OK_JWT);
    decisionChannel.publish(DENIED);
    for (const span of sdk.spans()) expect(span.attributes).not.toHaveProperty(ATTRIBUTES.principalId);
    expect(sdk.spans()).toHaveLength(2);
  });

  it('traces: false records metrics only; metrics: false records spans only', async () => {
    const metricsOnly = instrument({ traces: false });
    authenticateChannel.publish(EXPIRED);
    expect(sdk.spans()).toEqual([]);
    expect(sumOf(await sdk.points(METRIC_NAMES.authenticationFailures))).toBe(1);
    metricsOnly.disable();

    instrument({ metrics: false });
    authenticateChannel.publish(EXPIRED);
    expect(sdk.spans()).toHaveLength(1);
    expect(sumOf(await sdk.points(METRIC_NAMES.authenticationFailures))).toBe(1);
  });

  it('disable() stops recording and unsubscribes; enable() again resumes; enabling twice records once', async () => {
    const handle = instrument();
    handle.enable();
    expect(handle.enabled).toBe(true);
    decisionChannel.publish(DENIED);
    expect(sdk.spans()).toHaveLength(1);
    expect(sumOf(await sdk.points(METRIC_NAMES.decisions))).toBe(1);

    handle.disable();
    handle.disable();
    expect(handle.enabled).toBe(false);
    expect(decisionChannel.hasSubscribers).toBe(false);
    expect(authenticateChannel.hasSubscribers).toBe(false);
    expect(credentialChannel.hasSubscribers).toBe(false);
    decisionChannel.publish(DENIED);
    authenticateChannel.publish(EXPIRED);
    credentialChannel.publish(REUSED);
    expect(sdk.spans()).toHaveLength(1);
    expect(sumOf(await sdk.points(METRIC_NAMES.decisions))).toBe(1);
    expect(await sdk.points(METRIC_NAMES.authenticationFailures)).toEqual([]);
    expect(await sdk.points(METRIC_NAMES.refreshReuses)).toEqual([]);

    handle.enable();
    decisionChannel.publish(DENIED);
    expect(sdk.spans()).toHaveLength(2);
    expect(sumOf(await sdk.points(METRIC_NAMES.decisions))).toBe(2);
  });

  it('uses the global providers, read at enable(), when none is given', async () => {
    const handle = createScopeladderInstrumentation();
    trace.setGlobalTracerProvider(sdk.tracerProvider);
    try {
      handle.enable();
      decisionChannel.publish(DENIED);
      expect(sdk.spans()).toHaveLength(1);
    } finally {
      handle.disable();
      trace.disable();
    }
  });

  it('ignores a message of another shape version', async () => {
    instrument();
    decisionChannel.publish({ ...DENIED, version: 2 });
    authenticateChannel.publish({ ...EXPIRED, version: 2 });
    authenticateChannel.publish(null);
    expect(sdk.spans()).toEqual([]);
    expect(await sdk.metrics()).toEqual([]);
  });

  it('a failure while recording goes to the diag logger, never into the publisher', () => {
    const errors: string[] = [];
    diag.setLogger(
      {
        error: (message) => void errors.push(message),
        warn: () => {},
        info: () => {},
        debug: () => {},
        verbose: () => {},
      },
      DiagLogLevel.ERROR,
    );
    const throwing: TracerProvider = {
      getTracer: () =>
        ({
          startSpan: () => {
            throw new Error('exporter exploded');
          },
        }) as unknown as Tracer,
    };
    try {
      instrument({ tracerProvider: throwing, metrics: false });
      expect(() => decisionChannel.publish(DENIED)).not.toThrow();
      expect(errors).toEqual(['@scopeladder/otel: recording a decision message failed']);
    } finally {
      diag.disable();
    }
  });

  it('property: the decisions counter counts every decision under its outcome and reason; one span each', async () => {
    const reasons = ['granted', 'insufficient_scope', 'not_self', 'forbidden', 'field_not_permitted', 'not_found'] as const;
    const decision = fc.record({
      allowed: fc.boolean(),
      reason: fc.constantFrom(...reasons),
      action: fc.constantFrom('read', 'list', 'update'),
      subject: fc.constantFrom('User', 'Conversation'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(decision, { maxLength: 20 }), async (cases) => {
        const run = createTestSdk();
        const handle = createScopeladderInstrumentation({ tracerProvider: run.tracerProvider, meterProvider: run.meterProvider });
        handle.enable();
        try {
          for (const item of cases) decisionChannel.publish({ ...DENIED, ...item });
          expect(run.spans()).toHaveLength(cases.length);
          const points = await run.points(METRIC_NAMES.decisions);
          expect(sumOf(points)).toBe(cases.length);
          for (const item of cases) {
            const match = {
              [ATTRIBUTES.decisionOutcome]: item.allowed ? 'allow' : 'deny',
              [ATTRIBUTES.decisionReason]: item.reason,
              [ATTRIBUTES.action]: item.action,
              [ATTRIBUTES.subject]: item.subject,
            };
            const expected = cases.filter(
              (other) =>
                other.allowed === item.allowed && other.reason === item.reason && other.action === item.action && other.subject === item.subject,
            ).length;
            expect(sumOf(points, match)).toBe(expected);
          }
        } finally {
          handle.disable();
          await run.shutdown();
        }
      }),
      { numRuns: 30 },
    );
  });

  it('INSTRUMENTATION_SCOPE.version is the package version', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(INSTRUMENTATION_SCOPE.version).toBe(manifest.version);
  });
});
