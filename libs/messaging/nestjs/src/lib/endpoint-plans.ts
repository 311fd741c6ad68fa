import {
  endpointQueueName,
  handlerFor,
  type AnyContract,
  type Endpoint,
  type EndpointDefinition,
  type FallbackHandler,
  type HandlerRegistration,
  type HandlerFunction,
} from '@shopbus/messaging-core';
import type { MessageHandlerOptions } from './message-handler.decorator';
import type { MessagingModuleOptions } from './messaging-module.options';

interface EndpointPlan extends Endpoint {
  handlers: HandlerRegistration[];
}

type PlanSettings = Pick<MessagingModuleOptions, 'serviceName' | 'defaultPrefetch'>;

/** The settings every handler of one queue must agree on. */
const SETTINGS = ['prefetch', 'partitionBy', 'bindings', 'recoverability', 'idempotent'] as const;

/**
 * Groups handlers into endpoints, one per queue, whichever style declared them (`@MessageHandler`
 * or `@EventPattern`): the queue defaults to `<service>.<type>`, and a queue's settings come from
 * its endpoint definition. Handlers of one queue that declare different settings are refused
 * (declare the endpoint once, with `defineEndpoint`, and reference it), as are two handlers of
 * one type, or two fallbacks, on one queue.
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
    const plan = this.plans.get(queue) ?? this.newPlan(queue);
    mergeSettings(plan, options);
    if (contract) {
      if (plan.handlers.some((handler) => handler.contract.type === contract.type)) {
        throw new Error(`Two handlers for "${contract.type}" on queue "${queue}"`);
      }
      plan.handlers.push(handlerFor(contract, handle as HandlerFunction<AnyContract>));
    } else if (plan.fallback) {
      throw new Error(`Two fallback handlers for queue "${queue}"`);
    } else {
      plan.fallback = handle as FallbackHandler;
    }
    this.plans.set(queue, plan);
  }

  get queues(): string[] {
    return [...this.plans.keys()];
  }

  get endpoints(): Endpoint[] {
    return [...this.plans.values()].map((plan) => ({
      ...plan,
      prefetch: plan.prefetch ?? this.settings.defaultPrefetch,
    }));
  }

  private newPlan(queue: string): EndpointPlan {
    return { queue, handlers: [] };
  }
}

/** Takes the settings a handler declares; a setting one handler of the queue declared differently is an error. */
function mergeSettings(plan: EndpointPlan, declared: Partial<EndpointDefinition>): void {
  const target = plan as unknown as Record<string, unknown>;
  for (const setting of SETTINGS) {
    const value = declared[setting];
    if (value === undefined) continue;
    const current = target[setting];
    if (current !== undefined && !sameSetting(current, value)) {
      throw new Error(
        `Queue "${plan.queue}": its handlers declare different ${setting} settings; ` +
          'declare the endpoint once (defineEndpoint) and reference it from each handler',
      );
    }
    target[setting] = value;
  }
}

function sameSetting(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && JSON.stringify(a) === JSON.stringify(b));
}
