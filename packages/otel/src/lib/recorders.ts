// The three channel handlers: each turns one scopeladder diagnostics message into spans and
// metric points. Private to the package; createScopeladderInstrumentation wires them.
import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Counter,
  type Histogram,
  type HrTime,
  type Meter,
  type Tracer,
} from '@opentelemetry/api';
import type { AuthenticateMessage, CredentialEvent, DecisionMessage } from '@scopeladder/tokens/diagnostics';
import { ATTRIBUTES as A, METRIC_NAMES, SPAN_NAMES } from '../names.js';

/**
 * Bucket boundaries of the authentication duration histogram, in seconds: from 50 µs (an
 * HS256 access token) to 2.5 s (an API key looked up in a store that is struggling).
 */
export const DURATION_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** The instruments, created once per `enable()` from the meter. */
export interface Instruments {
  readonly decisions: Counter;
  readonly authenticationFailures: Counter;
  readonly authenticationDuration: Histogram;
  readonly refreshReuses: Counter;
  readonly credentialEvents: Counter;
}

export function createInstruments(meter: Meter): Instruments {
  return {
    decisions: meter.createCounter(METRIC_NAMES.decisions, {
      description: 'Guard decisions, by outcome (allow or deny) and reason.',
      unit: '{decision}',
    }),
    authenticationFailures: meter.createCounter(METRIC_NAMES.authenticationFailures, {
      description: 'Failed authentications, by error code (error.type) and credential kind.',
      unit: '{failure}',
    }),
    authenticationDuration: meter.createHistogram(METRIC_NAMES.authenticationDuration, {
      description: 'Duration of authenticate calls (AuthService, createJwtVerifier).',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    refreshReuses: meter.createCounter(METRIC_NAMES.refreshReuses, {
      description: 'Spent refresh tokens presented again; each revoked its session (refresh family).',
      unit: '{reuse}',
    }),
    credentialEvents: meter.createCounter(METRIC_NAMES.credentialEvents, {
      description: 'Credential lifecycle events (logins, refreshes, logouts, API keys, throttling, store availability), by type.',
      unit: '{event}',
    }),
  };
}

/** Sets the attributes whose value is not null (a null attribute value is not a valid attribute). */
function defined(entries: Record<string, string | boolean | number | null>): Attributes {
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(entries)) if (value !== null) attributes[key] = value;
  return attributes;
}

/** `"GET /v2/users/:id"` → `"/v2/users/:id"`; a route of another shape gives no `http.route`. */
function httpRouteOf(route: string | null): string | null {
  if (route === null) return null;
  const match = /^[A-Z]+ (\/\S*)$/.exec(route);
  return match === null ? null : match[1]!;
}

/**
 * Epoch milliseconds (fractional) as an `HrTime`: unambiguous for every API implementation (a
 * plain number may be read as epoch or as `performance.now()` milliseconds).
 */
export function toHrTime(epochMs: number): HrTime {
  let seconds = Math.floor(epochMs / 1000);
  let nanoseconds = Math.round((epochMs - seconds * 1000) * 1e6);
  if (nanoseconds >= 1e9) {
    seconds += 1;
    nanoseconds -= 1e9;
  }
  return [seconds, nanoseconds];
}

export interface RecorderSettings {
  readonly tracer: Tracer | null;
  readonly instruments: Instruments | null;
  readonly principalId: boolean;
}

export function recordAuthentication(message: AuthenticateMessage, settings: RecorderSettings): void {
  const durationMs = Number.isFinite(message.durationMs) && message.durationMs > 0 ? message.durationMs : 0;
  const kind = message.credential;
  const errorType = message.ok ? null : (message.code ?? '_OTHER');
  if (settings.instruments !== null) {
    const { authenticationDuration, authenticationFailures } = settings.instruments;
    authenticationDuration.record(
      durationMs / 1000,
      defined({ [A.authenticationOutcome]: message.ok ? 'success' : 'failure', [A.credentialKind]: kind, [A.errorType]: errorType }),
    );
    if (!message.ok) authenticationFailures.add(1, defined({ [A.errorType]: errorType, [A.credentialKind]: kind }));
  }
  if (settings.tracer !== null) {
    // The SDK's clock: a span the SDK times itself starts at `Date.now()` and runs on from there.
    // `performance.timeOrigin + performance.now()` drifts from it in a long-lived process (NTP
    // slews the wall clock only), which would put this span before its parent or after it.
    const end = Date.now();
    const span = settings.tracer.startSpan(
      SPAN_NAMES.authenticate,
      {
        kind: SpanKind.INTERNAL,
        startTime: toHrTime(end - durationMs),
        attributes: defined({
          [A.authenticationOutcome]: message.ok ? 'success' : 'failure',
          [A.credentialKind]: kind,
          [A.errorType]: errorType,
          [A.principalId]: settings.principalId ? message.principalId : null,
          [A.principalKind]: message.principalKind,
          [A.organization]: message.organization,
          [A.sessionId]: message.sessionId,
          [A.apiKeyId]: message.keyId,
        }),
      },
      context.active(),
    );
    if (errorType !== null) span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
    span.end(toHrTime(end));
  }
}

export function recordDecision(message: DecisionMessage, settings: RecorderSettings): void {
  const outcome = message.allowed ? 'allow' : 'deny';
  if (settings.instruments !== null) {
    settings.instruments.decisions.add(
      1,
      defined({ [A.decisionOutcome]: outcome, [A.decisionReason]: message.reason, [A.action]: message.action, [A.subject]: message.subject }),
    );
  }
  if (settings.tracer !== null) {
    const span = settings.tracer.startSpan(
      SPAN_NAMES.authorize,
      {
        kind: SpanKind.INTERNAL,
        attributes: defined({
          [A.decisionOutcome]: outcome,
          [A.decisionReason]: message.reason,
          [A.decisionLevel]: message.level,
          [A.decisionCode]: message.code,
          [A.action]: message.action,
          [A.subject]: message.subject,
          [A.field]: message.field,
          [A.requiredScope]: message.requiredScope,
          [A.principalId]: settings.principalId ? message.principalId : null,
          [A.principalKind]: message.principalKind,
          [A.organization]: message.organization,
          [A.route]: message.route,
          [A.httpRoute]: httpRouteOf(message.route),
        }),
      },
      context.active(),
    );
    span.end();
  }
}

export function recordCredentialEvent(event: CredentialEvent, settings: RecorderSettings): void {
  if (settings.instruments !== null) {
    settings.instruments.credentialEvents.add(1, { [A.credentialEvent]: event.type });
    if (event.type === 'refresh.reused') settings.instruments.refreshReuses.add(1);
  }
  if (settings.tracer !== null) {
    // On the span of the operation that caused it (the request's), when one is recording.
    const active = trace.getSpan(context.active());
    if (active?.isRecording()) active.addEvent(`scopeladder.${event.type}`, { [A.credentialEvent]: event.type });
  }
}
