import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { MessageBus, type ConsumerHandle, type Endpoint } from '@shopbus/messaging-core';
import { EndpointPlans } from './endpoint-plans';
import { MESSAGE_HANDLER, type MessageHandlerMetadata } from './message-handler.decorator';
import { MESSAGING_OPTIONS } from './messaging.module-definition';
import type { MessagingModuleOptions } from './messaging-module.options';
import { ShopbusServer } from './microservice/shopbus-server';
import { NestHandlerInvoker } from './pipeline/nest-handler-invoker';

/**
 * Finds every `@MessageHandler` method once the application has bootstrapped, groups them by
 * queue and starts one consumer per queue; each method runs inside Nest's pipeline. On shutdown
 * it stops the consumers (the microservice strategy's too), letting handlers in flight finish,
 * and closes the transport.
 */
@Injectable()
export class MessagingExplorer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumers: ConsumerHandle[] = [];
  private discovered: Endpoint[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly invoker: NestHandlerInvoker,
    private readonly bus: MessageBus,
    private readonly server: ShopbusServer,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const plans = this.discoverEndpoints();
    if (this.options.declaredQueues) {
      // `@EventPattern` handlers are registered with the strategy before the application boots
      // (when the microservice is connected), so both styles are checked together.
      assertDeclared(this.options.declaredQueues, [...plans.queues, ...this.server.plan().queues]);
    }
    this.discovered = plans.endpoints;
    for (const endpoint of this.discovered) {
      this.consumers.push(await this.bus.subscribe(endpoint));
    }
  }

  /** Every endpoint the service consumes, in both handler styles (e.g. for its AsyncAPI document). */
  endpoints(): Endpoint[] {
    return [...this.discovered, ...this.server.plan().endpoints];
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.consumers.map((consumer) => consumer.stop()), this.server.close()]);
    this.consumers = [];
    await this.options.transport.close();
  }

  private discoverEndpoints(): EndpointPlans {
    const plans = new EndpointPlans(this.options);
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const metadata = this.reflector.get<MessageHandlerMetadata | undefined>(
          MESSAGE_HANDLER,
          instance[method] as () => unknown,
        );
        if (!metadata) continue;
        try {
          plans.add(metadata.contract, this.invoker.wrap(instance, method), metadata);
        } catch (error) {
          throw new Error(`${wrapper.name}.${method}: ${(error as Error).message}`);
        }
      }
    }
    return plans;
  }
}

/** Fails when the handlers consume other queues than the service declared. */
function assertDeclared(declared: readonly string[], consumed: string[]): void {
  const undeclared = consumed.filter((queue) => !declared.includes(queue));
  const unconsumed = declared.filter((queue) => !consumed.includes(queue));
  if (undeclared.length === 0 && unconsumed.length === 0) return;
  throw new Error(
    'The handlers consume other queues than the service declares: ' +
      [
        undeclared.length && `not declared: ${undeclared.join(', ')}`,
        unconsumed.length && `declared but without a handler: ${unconsumed.join(', ')}`,
      ]
        .filter(Boolean)
        .join('; '),
  );
}
