// Loaded only when OTEL_EXPORTER_OTLP_ENDPOINT is set (main.ts imports it on demand): without it,
// no OpenTelemetry module is ever loaded.
import { context, diag, metrics, SpanKind, SpanStatusCode, trace, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVICE_NAME,
  ATTR_URL_PATH,
  METRIC_HTTP_SERVER_REQUEST_DURATION,
} from '@opentelemetry/semantic-conventions';
import { createScopeladderInstrumentation } from '@scopeladder/otel';
import { observeRequests } from './http/request-context.js';
import { pathForLog, type Logger } from './log.js';

/** The running OpenTelemetry export. */
export interface Telemetry {
  /** Ends the request spans' observer and scopeladder's subscriptions, then flushes and stops the exporters (waiting 3 s at most). */
  shutdown(): Promise<void>;
}

/** Options of {@link startTelemetry}. */
export interface StartTelemetryOptions {
  readonly logger: Logger;
  /** The environment the exporters read (`OTEL_SERVICE_NAME`, `OTEL_METRIC_EXPORT_INTERVAL`; they read `OTEL_EXPORTER_OTLP_*` themselves). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

const SERVICE_NAME = 'chatshipper-api';
const DEFAULT_METRIC_INTERVAL_MS = 60_000;
/** How long the shutdown waits for the last export. */
const SHUTDOWN_TIMEOUT_MS = 3_000;
/** The methods semantic conventions keep as they are; any other is `_OTHER`. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

function metricIntervalOf(env: StartTelemetryOptions['env']): number {
  const value = Number(env['OTEL_METRIC_EXPORT_INTERVAL']);
  return Number.isInteger(value) && value >= 100 ? value : DEFAULT_METRIC_INTERVAL_MS;
}

/** OpenTelemetry's own warnings and errors (an exporter that cannot reach the collector) as `warn` lines. */
function diagLoggerOf(logger: Logger): DiagLogger {
  const quiet = (): void => {};
  // A collector that is away is not the server's error: `warn`, on stdout.
  const write = (message: string): void => logger.warn(`otel: ${message.slice(0, 300)}`);
  return { error: write, warn: write, info: quiet, debug: quiet, verbose: quiet };
}

/**
 * Starts exporting traces and metrics over OTLP/HTTP (JSON) to `OTEL_EXPORTER_OTLP_ENDPOINT`
 * (`/v1/traces`, `/v1/metrics` under it; the exporters read the standard `OTEL_EXPORTER_OTLP_*`
 * variables, headers included): a server span per request (`http.request.method`, `url.path`
 * without the query, `http.response.status_code`) with `http.server.request.duration`, and,
 * through `@scopeladder/otel`, scopeladder's authentication and guard spans and its metrics,
 * children of the request's span.
 *
 * @example
 * ```ts
 * const telemetry = await startTelemetry({ logger, env: process.env });
 * process.once('SIGTERM', () => void telemetry.shutdown());
 * ```
 */
export async function startTelemetry(options: StartTelemetryOptions): Promise<Telemetry> {
  const { logger, env } = options;
  diag.setLogger(diagLoggerOf(logger), DiagLogLevel.WARN);
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: env['OTEL_SERVICE_NAME'] ?? SERVICE_NAME });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
  trace.setGlobalTracerProvider(tracerProvider);
  const meterProvider = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: metricIntervalOf(env) })],
  });
  metrics.setGlobalMeterProvider(meterProvider);

  // The seam to scopeladder: its spans and metrics, from the diagnostics channels.
  const instrumentation = createScopeladderInstrumentation({ tracerProvider, meterProvider });
  instrumentation.enable();

  const tracer = tracerProvider.getTracer(SERVICE_NAME);
  const duration = meterProvider.getMeter(SERVICE_NAME).createHistogram(METRIC_HTTP_SERVER_REQUEST_DURATION, {
    unit: 's',
    description: 'Duration of HTTP server requests.',
  });
  observeRequests((req, res, requestId, serve) => {
    const started = performance.now();
    const method = KNOWN_METHODS.has(req.method ?? '') ? (req.method as string) : '_OTHER';
    const span = tracer.startSpan(method, {
      kind: SpanKind.SERVER,
      attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_PATH]: pathForLog(req.url ?? '/'), 'chatshipper.request_id': requestId },
    });
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      const status = res.statusCode;
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (status >= 500 || !res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      duration.record((performance.now() - started) / 1000, { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_HTTP_RESPONSE_STATUS_CODE]: status });
    };
    res.once('finish', end);
    res.once('close', end);
    context.with(trace.setSpan(context.active(), span), serve);
  });

  return {
    async shutdown() {
      observeRequests(undefined);
      instrumentation.disable();
      // The last batch is flushed, but a collector that does not answer does not hold the exit up.
      let timer: NodeJS.Timeout | undefined;
      const flushed = Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
      await Promise.race([flushed, new Promise((resolve) => (timer = setTimeout(resolve, SHUTDOWN_TIMEOUT_MS)))]);
      clearTimeout(timer);
      contextManager.disable();
    },
  };
}
