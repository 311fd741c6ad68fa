import { Global, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { ServiceTracing } from './service-tracing';

/** The service's tracing, or null when it has no collector (see startServiceTracing). */
export const SERVICE_TRACING = Symbol('SERVICE_TRACING');

/** Holds a service's tracing for the HTTP middleware, and sends the last spans as it stops. */
@Global()
@Module({})
export class ServiceTracingModule {
  static forRoot(tracing: ServiceTracing | undefined): DynamicModule {
    return {
      module: ServiceTracingModule,
      providers: [
        { provide: SERVICE_TRACING, useValue: tracing ?? null },
        {
          provide: 'SERVICE_TRACING_FLUSH',
          useValue: {
            onApplicationShutdown: () => tracing?.shutdown(),
          } satisfies OnApplicationShutdown,
        },
      ],
      exports: [SERVICE_TRACING],
    };
  }
}
