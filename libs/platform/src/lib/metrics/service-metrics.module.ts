import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ServiceMetrics } from './service-metrics';

/** The service's metrics (see startServiceMetrics): for /metrics and the service's own instruments. */
export const SERVICE_METRICS = Symbol('SERVICE_METRICS');

/** Holds a service's metrics for whoever injects SERVICE_METRICS, and stops them with the service. */
@Global()
@Module({})
export class ServiceMetricsModule implements OnApplicationShutdown {
  constructor(@Inject(SERVICE_METRICS) private readonly metrics: ServiceMetrics) {}

  static forRoot(metrics: ServiceMetrics): DynamicModule {
    return {
      module: ServiceMetricsModule,
      providers: [{ provide: SERVICE_METRICS, useValue: metrics }],
      exports: [SERVICE_METRICS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.metrics.shutdown();
  }
}
