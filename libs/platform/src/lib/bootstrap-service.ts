import {
  ValidationPipe,
  type DynamicModule,
  type INestApplication,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ShopbusServer } from '@shopbus/messaging-nestjs';
import type { ServiceConfig } from './config/service-config';
import { Logger } from 'nestjs-pino';
import { DatabaseUnavailableFilter } from './http/database-unavailable.filter';
import { DomainErrorFilter } from './http/domain-error.filter';
import { hardenHttp } from './http/http-hardening';
import { RejectUnstorableTextPipe } from './http/reject-unstorable-text.pipe';
import { httpServerSpans } from './tracing/http-server-spans';
import type { ServiceTracing } from './tracing/service-tracing';
import { SERVICE_TRACING } from './tracing/service-tracing.module';

export interface ServiceDescription {
  title: string;
  description: string;
}

/**
 * What every service's HTTP side shares: security headers and a body size limit (see
 * hardenHttp), a span per request where the service traces, text Postgres cannot store refused (a 400), request bodies validated (unknown fields refused, so a typo is a 400, not a silently ignored value), OpenAPI at /docs, pino as the logger, and
 * shutdown hooks so that SIGTERM drains message handlers and the relay before the process exits.
 *
 * It also connects the shopbus transport strategy, so that `@EventPattern`/`@MessagePattern`
 * controllers run beside `@MessageHandler` providers. The strategy inherits the application's
 * configuration: the global filters pass message handlers' errors on untouched, and the pipes
 * apply to `@Payload()` as they do to request bodies. Start it with `startService`.
 */
export function configureService(app: INestApplication, description: ServiceDescription): void {
  app.useLogger(app.get(Logger));
  // First, so that the request's span covers all the rest (see serviceInfrastructure).
  const tracing = app.get<ServiceTracing | null>(SERVICE_TRACING, { strict: false });
  if (tracing) app.use(httpServerSpans(tracing.messaging));
  hardenHttp(app);
  // The catch-all first: Nest tries global filters from the last registered to the first.
  app.useGlobalFilters(
    new DatabaseUnavailableFilter(app.getHttpAdapter()),
    new DomainErrorFilter(),
  );
  app.useGlobalPipes(
    new RejectUnstorableTextPipe(),
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  app.enableShutdownHooks();
  app.connectMicroservice({ strategy: app.get(ShopbusServer) }, { inheritAppConfig: true });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(description.title)
      .setDescription(description.description)
      .setVersion('1.0')
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
}

/**
 * Initialises a configured service, then starts its `@EventPattern` handlers: initialised first,
 * so that the check of the declared queues sees both handler styles before anything consumes.
 */
export async function startService(app: INestApplication): Promise<void> {
  await app.init();
  await app.startAllMicroservices();
}

/**
 * Creates, configures and starts a service on its port. With `BROKER_TOPOLOGY=declare-only` (an
 * administrator's provisioning run) it declares the service's broker topology instead, consumes
 * and relays nothing, and closes again.
 */
export async function bootstrapService(
  module: Type<unknown> | DynamicModule,
  config: Pick<ServiceConfig, 'port' | 'brokerTopology' | 'serviceName'>,
  description: ServiceDescription,
): Promise<INestApplication> {
  const app = await NestFactory.create(module, { bufferLogs: true });
  configureService(app, description);
  await startService(app);
  if (config.brokerTopology === 'declare-only') {
    app.get(Logger).log(`${config.serviceName}: broker topology declared`, 'Bootstrap');
    await app.close();
    return app;
  }
  await app.listen(config.port);
  return app;
}
