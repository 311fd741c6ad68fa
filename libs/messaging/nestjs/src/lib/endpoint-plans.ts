import {
  endpointQueueName,
  handlerFor,
  type AnyContract,
  type Endpoint,
  type EndpointBinding,
  type FallbackHandler,
  type HandlerRegistration,
  type MessageHandler as Handler,
} from '@shopbus/messaging-core';
import type { MessageHandlerOptions } from './message-handler.decorator';
import type { MessagingModuleOptions } from './messaging-module.options';

interface EndpointPlan extends Endpoint {
  handlers: HandlerRegistration[];
  bindings: EndpointBinding[];
}

type PlanSettings = Pick<
  MessagingModuleOptions,
  'serviceName' | 'defaultPrefetch' | 'exchangeNames'
>;

/**
 * Groups handlers into endpoints, one per queue, whichever style declared them (`@MessageHandler`
 * or `@EventPattern`): the queue defaults to `<service>.<type>`, the first prefetch and partition
 * key given for a queue hold for all its handlers, bindings add up, and logical exchange names
 * are resolved. Two handlers of one type, or two fallbacks, on one queue are refused.
 */
export class EndpointPlans {
  private readonly plans = new Map<string, EndpointPlan>();

  constructor(private readonly settings: PlanSettings) {}

  /**
   * Adds a handler of `contract` to its queue, or, without a contract, the queue's fallback
   * (which must name its queue).
   */
  add(
    contract: AnyContract | undefined,
    handle: (payload: unknown, context: never) => Promise<unknown>,
    options: MessageHandlerOptions,
  ): void {
    const queue =
      options.queue ??
      (contract ? endpointQueueName(this.settings.serviceName, contract.type) : undefined);
    if (!queue) throw new Error('A fallback handler must name its queue');
    const plan = this.plans.get(queue) ?? { queue, handlers: [], bindings: [] };
    if (contract) {
      if (plan.handlers.some((handler) => handler.contract.type === contract.type)) {
        throw new Error(`Two handlers for "${contract.type}" on queue "${queue}"`);
      }
      plan.handlers.push(handlerFor(contract, handle as Handler<AnyContract>));
    } else if (plan.fallback) {
      throw new Error(`Two fallback handlers for queue "${queue}"`);
    } else {
      plan.fallback = handle as FallbackHandler;
    }
    plan.bindings.push(
      ...(options.bindings ?? []).map((binding) => ({
        ...binding,
        exchange: this.settings.exchangeNames?.[binding.exchange] ?? binding.exchange,
      })),
    );
    plan.prefetch = options.prefetch ?? plan.prefetch ?? this.settings.defaultPrefetch;
    plan.partitionBy = options.partitionBy ?? plan.partitionBy;
    this.plans.set(queue, plan);
  }

  get queues(): string[] {
    return [...this.plans.keys()];
  }

  get endpoints(): Endpoint[] {
    return [...this.plans.values()];
  }
}
