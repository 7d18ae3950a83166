// Shared by this package's tests (not exported from the entry point, not bundled): the real
// OpenTelemetry SDK with its in-memory exporters.
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context, type Attributes } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

let contextManagerSet = false;
/** Registers an AsyncLocalStorage context manager once (as the Node SDK does), so that spans have parents. */
export function useAsyncContext(): void {
  if (contextManagerSet) return;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  contextManagerSet = true;
}

export interface TestSdk {
  readonly tracerProvider: BasicTracerProvider;
  readonly meterProvider: MeterProvider;
  /** The finished spans so far. */
  spans(): ReadableSpan[];
  /** Every metric exported so far (cumulative), after a flush. */
  metrics(): Promise<MetricData[]>;
  /** The data points of the metric `name` (none when it has none). */
  points(name: string): Promise<DataPoint<number | Histogram>[]>;
  shutdown(): Promise<void>;
}

export function createTestSdk(): TestSdk {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const metrics = async (): Promise<MetricData[]> => {
    metricExporter.reset();
    await reader.forceFlush();
    return metricExporter.getMetrics().flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
  };
  return {
    tracerProvider,
    meterProvider,
    spans: () => spanExporter.getFinishedSpans(),
    metrics,
    async points(name) {
      const metric = (await metrics()).find((candidate) => candidate.descriptor.name === name);
      if (metric === undefined) return [];
      return metric.dataPointType === DataPointType.HISTOGRAM || metric.dataPointType === DataPointType.SUM ? metric.dataPoints : [];
    },
    async shutdown() {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}

/** The sum of counter points whose attributes include `match`. */
export function sumOf(points: readonly DataPoint<number | Histogram>[], match: Attributes = {}): number {
  return points
    .filter((point) => Object.entries(match).every(([key, value]) => point.attributes[key] === value))
    .reduce((total, point) => total + (typeof point.value === 'number' ? point.value : point.value.count), 0);
}
