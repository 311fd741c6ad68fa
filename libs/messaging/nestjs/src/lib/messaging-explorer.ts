import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import {
  endpointQueueName,
  handlerFor,
  MessageBus,
  type ConsumerHandle,
  type EndpointBinding,
  type FallbackHandler,
  type HandlerRegistration,
  type MessageHandler as Handler,
  type PartitionKeyOf,
} from '@shopbus/messaging-core';
import { MESSAGE_HANDLER, type MessageHandlerMetadata } from './message-handler.decorator';
import { MESSAGING_OPTIONS } from './messaging.module-definition';
import type { MessagingModuleOptions } from './messaging-module.options';

interface EndpointPlan {
  handlers: HandlerRegistration[];
  prefetch?: number;
  partitionBy?: PartitionKeyOf;
  bindings: EndpointBinding[];
  fallback?: FallbackHandler;
}

/**
 * Finds every `@MessageHandler` method once the application has bootstrapped, groups them by
 * queue and starts one consumer per queue. On shutdown it stops the consumers, letting handlers
 * in flight finish, and closes the transport.
 */
@Injectable()
export class MessagingExplorer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumers: ConsumerHandle[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly bus: MessageBus,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const endpoints = this.discoverEndpoints();
    if (this.options.declaredQueues)
      assertDeclared(this.options.declaredQueues, [...endpoints.keys()]);
    for (const [queue, plan] of endpoints) {
      this.consumers.push(await this.bus.subscribe({ queue, ...plan }));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    this.consumers = [];
    await this.options.transport.close();
  }

  private discoverEndpoints(): Map<string, EndpointPlan> {
    const endpoints = new Map<string, EndpointPlan>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const target = instance[method] as (...args: unknown[]) => Promise<unknown>;
        const metadata = this.reflector.get<MessageHandlerMetadata | undefined>(
          MESSAGE_HANDLER,
          target,
        );
        if (!metadata) continue;
        const { contract } = metadata;
        const queue =
          metadata.queue ??
          (contract ? endpointQueueName(this.options.serviceName, contract.type) : undefined);
        if (!queue) throw new Error(`${method}: a fallback handler must name its queue`);
        const plan = endpoints.get(queue) ?? { handlers: [], bindings: [] };
        if (contract) {
          plan.handlers.push(
            handlerFor(contract, target.bind(instance) as Handler<typeof contract>),
          );
        } else if (plan.fallback) {
          throw new Error(`Two fallback handlers for queue "${queue}"`);
        } else {
          plan.fallback = target.bind(instance) as FallbackHandler;
        }
        plan.bindings.push(
          ...(metadata.bindings ?? []).map((binding) => ({
            ...binding,
            exchange: this.options.exchangeNames?.[binding.exchange] ?? binding.exchange,
          })),
        );
        plan.prefetch = metadata.prefetch ?? plan.prefetch ?? this.options.defaultPrefetch;
        plan.partitionBy = metadata.partitionBy ?? plan.partitionBy;
        endpoints.set(queue, plan);
      }
    }
    return endpoints;
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
