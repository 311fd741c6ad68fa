import type { Attributes, Meter } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  MetricReader,
  type MetricData,
} from '@opentelemetry/sdk-metrics';

/** A reader that collects only when asked: what a test reads at the moment it asserts. */
class OnDemandReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  // Nothing is buffered to flush, and nothing to release at shutdown.
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * A meter whose instruments a test reads back: the running totals of a counter and the count
 * of a histogram's recordings, over the points whose attributes include the ones asked for.
 */
export class RecordedMetrics {
  private readonly reader = new OnDemandReader();
  private readonly provider = new MeterProvider({ readers: [this.reader] });
  readonly meter: Meter = this.provider.getMeter('shopbus-test');

  /** The instrument's data as collected now; undefined when nothing was recorded to it yet. */
  async metric(name: string): Promise<MetricData | undefined> {
    const { resourceMetrics, errors } = await this.reader.collect();
    if (errors.length > 0) throw errors[0];
    return resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((metric) => metric.descriptor.name === name);
  }

  /** A counter's total over the matching points (0 before any). */
  async sum(name: string, attributes: Attributes = {}): Promise<number> {
    const metric = await this.metric(name);
    if (!metric) return 0;
    if (metric.dataPointType !== DataPointType.SUM) throw new Error(`${name} is not a counter`);
    return metric.dataPoints
      .filter((point) => includes(point.attributes, attributes))
      .reduce((total, point) => total + point.value, 0);
  }

  /** How many values a histogram recorded over the matching points (0 before any). */
  async count(name: string, attributes: Attributes = {}): Promise<number> {
    const metric = await this.metric(name);
    if (!metric) return 0;
    if (metric.dataPointType !== DataPointType.HISTOGRAM) {
      throw new Error(`${name} is not a histogram`);
    }
    return metric.dataPoints
      .filter((point) => includes(point.attributes, attributes))
      .reduce((total, point) => total + point.value.count, 0);
  }

  /** Every distinct attribute set recorded to the instrument, for a failing test to show. */
  async attributeSets(name: string): Promise<Attributes[]> {
    return (await this.metric(name))?.dataPoints.map((point) => point.attributes) ?? [];
  }

  close(): Promise<void> {
    return this.provider.shutdown();
  }
}

function includes(actual: Attributes, expected: Attributes): boolean {
  return Object.entries(expected).every(([key, value]) => actual[key] === value);
}
