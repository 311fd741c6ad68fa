import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { MessageBus } from '@shopbus/messaging-core';
import { ConfigurableModuleClass, MESSAGING_OPTIONS } from './messaging.module-definition';
import type { MessagingModuleOptions } from './messaging-module.options';
import { MessagingExplorer } from './messaging-explorer';
import { nestMessagingLogger } from './nest-messaging-logger';
import { ShopbusServer } from './microservice/shopbus-server';
import { NestHandlerInvoker } from './pipeline/nest-handler-invoker';

/**
 * Connects the service to the broker before anything can inject the MessageBus (so a bus is
 * always ready to use), discovers `@MessageHandler` methods, provides the `ShopbusServer`
 * strategy for `@EventPattern`/`@MessagePattern` handlers, and shuts messaging down last.
 * Call `app.enableShutdownHooks()` so that SIGTERM drains handlers before the process exits.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: MessageBus,
      inject: [MESSAGING_OPTIONS],
      useFactory: async (options: MessagingModuleOptions) => {
        await options.transport.start();
        return new MessageBus(options.transport, {
          source: options.serviceName,
          middleware: options.middleware,
          defaultRequestTimeoutMs: options.requestTimeoutMs,
          recoverability: options.recoverability,
          idempotency: options.idempotency,
          clock: options.clock,
          tracing: options.tracing,
          metrics: options.metrics,
          outgoing: options.outgoing,
          logger: options.logger ?? nestMessagingLogger(),
        });
      },
    },
    {
      provide: ShopbusServer,
      inject: [MessageBus, MESSAGING_OPTIONS],
      useFactory: (bus: MessageBus, options: MessagingModuleOptions) =>
        new ShopbusServer(bus, options),
    },
    NestHandlerInvoker,
    MessagingExplorer,
  ],
  exports: [MessageBus, ShopbusServer, MessagingExplorer],
})
export class MessagingModule extends ConfigurableModuleClass {}
