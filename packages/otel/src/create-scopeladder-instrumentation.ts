import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { metrics, trace, type MeterProvider, type TracerProvider } from '@opentelemetry/api';
import {
  AUTHENTICATE_CHANNEL,
  CREDENTIAL_CHANNEL,
  DECISION_CHANNEL,
  type AuthenticateMessage,
  type CredentialEvent,
  type DecisionMessage,
} from '@scopeladder/tokens/diagnostics';
import { createInstruments, recordAuthentication, recordCredentialEvent, recordDecision, type RecorderSettings } from './lib/recorders.js';
import { checkOptions } from './lib/check-options.js';
import { guarded } from './lib/guarded.js';
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
