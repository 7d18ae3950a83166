// Caller misuse of createScopeladderInstrumentation: a TypeError at construction.
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { ScopeladderInstrumentationOptions } from '../create-scopeladder-instrumentation.js';

const KNOWN_OPTIONS = new Set(['tracerProvider', 'meterProvider', 'traces', 'metrics', 'principalId']);

export function checkOptions(options: unknown): asserts options is ScopeladderInstrumentationOptions {
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
