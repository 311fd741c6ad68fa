import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ServiceTracing } from './service-tracing';

/** The service's tracing, or null when it has no collector (see startServiceTracing). */
export const SERVICE_TRACING = Symbol('SERVICE_TRACING');

/** Holds a service's tracing for the HTTP middleware, and sends the last spans as it stops. */
@Global()
@Module({})
export class ServiceTracingModule implements OnApplicationShutdown {
  constructor(@Inject(SERVICE_TRACING) private readonly tracing: ServiceTracing | null) {}

  static forRoot(tracing: ServiceTracing | undefined): DynamicModule {
    return {
      module: ServiceTracingModule,
      providers: [{ provide: SERVICE_TRACING, useValue: tracing ?? null }],
      exports: [SERVICE_TRACING],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.tracing?.shutdown();
  }
}
