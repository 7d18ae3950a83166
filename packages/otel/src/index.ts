// Public entry point of @scopeladder/otel: OpenTelemetry spans and metrics from scopeladder's
// node:diagnostics_channel events (@scopeladder/tokens/diagnostics).
export { createScopeladderInstrumentation } from './create-scopeladder-instrumentation.js';
export type { ScopeladderInstrumentation, ScopeladderInstrumentationOptions } from './create-scopeladder-instrumentation.js';
export { ATTRIBUTES, INSTRUMENTATION_SCOPE, METRIC_NAMES, SPAN_NAMES } from './names.js';
