import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { diag, metrics, trace, type MeterProvider, type TracerProvider } from '@opentelemetry/api';
import {
  AUTHENTICATE_CHANNEL,
  CREDENTIAL_CHANNEL,
  DECISION_CHANNEL,
  DIAGNOSTICS_VERSION,
  type AuthenticateMessage,
  type CredentialEvent,
  type DecisionMessage,
} from '@scopeladder/tokens/diagnostics';
import { createInstruments, recordAuthentication, recordCredentialEvent, recordDecision, type RecorderSettings } from './lib/recorders.js';
import { INSTRUMENTATION_SCOPE } from './names.js';

/**
 * Options of {@link createScopeladderInstrumentation}. Every one is optional.
 *
 * @example
 * ```ts
 * import type { ScopeladderInstrumentationOptions } from '@scopeladder/otel';
 *
 * const options: ScopeladderInstrumentationOptions = { traces: false }; // metrics only
 * ```
 */
export interface ScopeladderInstrumentationOptions {
  /** Where spans go. Default: the global tracer provider (`trace.getTracerProvider()`), read at `enable()`. */
  readonly tracerProvider?: TracerProvider;
  /** Where metrics go. Default: the global meter provider (`metrics.getMeterProvider()`), read at `enable()`. */
  readonly meterProvider?: MeterProvider;
  /** Record spans (`scopeladder.authenticate`, `scopeladder.authorize`). Default `true`. */
  readonly traces?: boolean;
  /** Record metrics (decisions, authentication failures and duration, refresh reuse, credential events). Default `true`. */
  readonly metrics?: boolean;
  /**
   * Put the principal's id on spans (`scopeladder.principal.id`). Default `true`. Turn it off
   * where user ids must not reach the tracing backend. Metrics never carry it.
   */
  readonly principalId?: boolean;
}

/**
 * The handle {@link createScopeladderInstrumentation} returns.
 *
 * @example
 * ```ts
 * import { createScopeladderInstrumentation, type ScopeladderInstrumentation } from '@scopeladder/otel';
 *
 * const instrumentation: ScopeladderInstrumentation = createScopeladderInstrumentation();
 * instrumentation.enable();
 * ```
 */
export interface ScopeladderInstrumentation {
  /**
   * Subscribes to scopeladder's diagnostics channels and starts recording. Creates the tracer
   * and the instruments from the providers (the global ones unless given). Calling it again
   * while enabled does nothing.
   */
  enable(): void;
  /** Unsubscribes: nothing more is recorded until `enable()`. Calling it while disabled does nothing. */
  disable(): void;
  /** Whether it is subscribed. */
  readonly enabled: boolean;
}

const KNOWN_OPTIONS = new Set(['tracerProvider', 'meterProvider', 'traces', 'metrics', 'principalId']);

function checkOptions(options: unknown): asserts options is ScopeladderInstrumentationOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError('createScopeladderInstrumentation: options must be an object (or left out)');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw new TypeError(`createScopeladderInstrumentation: unknown option "${key}"`);
  }
  const record = options as Record<string, unknown>;
  for (const key of ['traces', 'metrics', 'principalId']) {
    if (record[key] !== undefined && typeof record[key] !== 'boolean') {
      throw new TypeError(`createScopeladderInstrumentation: ${key} must be a boolean`);
    }
  }
  const { tracerProvider, meterProvider } = record;
  if (tracerProvider !== undefined && typeof (tracerProvider as TracerProvider | null)?.getTracer !== 'function') {
    throw new TypeError('createScopeladderInstrumentation: tracerProvider must be an OpenTelemetry TracerProvider (with getTracer)');
  }
  if (meterProvider !== undefined && typeof (meterProvider as MeterProvider | null)?.getMeter !== 'function') {
    throw new TypeError('createScopeladderInstrumentation: meterProvider must be an OpenTelemetry MeterProvider (with getMeter)');
  }
}

/** Runs a handler; a failure is reported to OpenTelemetry's diag logger, never thrown into the publisher. */
function guarded<M>(name: string, record: (message: M) => void): (message: unknown) => void {
  return (message) => {
    // A message of another shape version (a major of @scopeladder/tokens this package was not written for) is ignored.
    if ((message as { version?: unknown } | null)?.version !== DIAGNOSTICS_VERSION) return;
    try {
      record(message as M);
    } catch (error) {
      // diagnostics_channel would rethrow a subscriber's error on the next tick (an uncaught exception).
      diag.error(`@scopeladder/otel: recording a ${name} message failed`, error);
    }
  };
}

/**
 * Records scopeladder's events as OpenTelemetry spans and metrics: it subscribes to the
 * `node:diagnostics_channel` channels of `@scopeladder/tokens/diagnostics` (authentication
 * results, guard decisions, credential lifecycle). Nothing is recorded until `enable()`.
 *
 * Spans: `scopeladder.authenticate` (one per `authenticate` call, with its duration; status
 * `ERROR` and `error.type` on failure) and `scopeladder.authorize` (one per guard decision;
 * a denial is a decision, not an error: its status stays unset), each a child of the span
 * active where scopeladder published. Credential events are added as span events
 * (`scopeladder.refresh.reused`, …) to the active span. Metrics: see `METRIC_NAMES`.
 *
 * @throws {TypeError} when an option has the wrong type or is unknown.
 *
 * @example
 * ```ts
 * import { createScopeladderInstrumentation } from '@scopeladder/otel';
 *
 * // After the OpenTelemetry SDK is set up (it registers the global providers):
 * const instrumentation = createScopeladderInstrumentation();
 * instrumentation.enable();
 * // … at shutdown
 * instrumentation.disable();
 * ```
 */
export function createScopeladderInstrumentation(options: ScopeladderInstrumentationOptions = {}): ScopeladderInstrumentation {
  checkOptions(options);
  const { tracerProvider, meterProvider, traces = true, metrics: recordMetrics = true, principalId = true } = options;
  let settings: RecorderSettings = { tracer: null, instruments: null, principalId };

  const onAuthenticate = guarded<AuthenticateMessage>('authenticate', (message) => recordAuthentication(message, settings));
  const onDecision = guarded<DecisionMessage>('decision', (message) => recordDecision(message, settings));
  const onCredential = guarded<CredentialEvent>('credential', (message) => recordCredentialEvent(message, settings));
  let enabled = false;

  return {
    enable() {
      if (enabled) return;
      const { name, version } = INSTRUMENTATION_SCOPE;
      settings = {
        tracer: traces ? (tracerProvider ?? trace.getTracerProvider()).getTracer(name, version) : null,
        instruments: recordMetrics ? createInstruments((meterProvider ?? metrics.getMeterProvider()).getMeter(name, version)) : null,
        principalId,
      };
      subscribe(AUTHENTICATE_CHANNEL, onAuthenticate);
      subscribe(DECISION_CHANNEL, onDecision);
      subscribe(CREDENTIAL_CHANNEL, onCredential);
      enabled = true;
    },
    disable() {
      if (!enabled) return;
      unsubscribe(AUTHENTICATE_CHANNEL, onAuthenticate);
      unsubscribe(DECISION_CHANNEL, onDecision);
      unsubscribe(CREDENTIAL_CHANNEL, onCredential);
      enabled = false;
    },
    get enabled() {
      return enabled;
    },
  };
}
