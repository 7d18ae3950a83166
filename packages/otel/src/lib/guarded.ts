// A channel subscriber that never throws into the publisher (scopeladder's request).
import { diag } from '@opentelemetry/api';
import { DIAGNOSTICS_VERSION } from '@scopeladder/tokens/diagnostics';

/** Runs a handler; a failure is reported to OpenTelemetry's diag logger, never thrown into the publisher. */
export function guarded<M>(name: string, record: (message: M) => void): (message: unknown) => void {
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
