import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import type { AnyContract, ConsumerHandle, MessageBus } from '@shopbus/messaging-core';
import { EndpointPlans } from '../endpoint-plans';
import type { MessageHandlerOptions } from '../message-handler.decorator';
import type { MessagingModuleOptions } from '../messaging-module.options';
import { messagingErrorOf } from '../pipeline/messaging-error-of';
import { resultOf } from '../pipeline/result-of';
import { PatternContracts } from './pattern-contracts';

/** Marks a pattern for this transport only, in an app that runs more than one. */
export const SHOPBUS_TRANSPORT = Symbol('shopbus');

export type ShopbusServerOptions = Pick<
  MessagingModuleOptions,
  'serviceName' | 'defaultPrefetch' | 'contracts'
>;

interface PatternRegistration {
  readonly pattern: unknown;
  readonly handler: MessageHandler;
  readonly isEvent: boolean;
  /** `@EventPattern(type, endpoint)`: the endpoint definition, as `@MessageHandler` takes it. */
  readonly extras: MessageHandlerOptions;
}

/**
 * A @nestjs/microservices transport strategy that runs `@EventPattern` and `@MessagePattern`
 * handlers on shopbus endpoints:
 *
 *     app.connectMicroservice({ strategy: app.get(ShopbusServer) });
 *
 * Each handler consumes its own queue (`<service>.<pattern>` unless its extras name one), through
 * the bus's whole consume pipeline: validation when the pattern is a contract's type,
 * recoverability outermost (retries, delayed redelivery, the dead-letter queue, fault events).
 * Nest's own pipeline (guards, interceptors, pipes, filters) runs inside it, as Nest wraps every
 * handler it registers. A message is settled only after its handler: nothing unhandled is acked,
 * and a type no handler of the queue takes is dead-lettered with its reason.
 *
 * An `@EventPattern` handler takes events and commands; a `@MessagePattern` handler answers
 * queries, its return value (or last emitted value) being the response. Both receive
 * `(payload, MessageContext)`: `@Payload()` and `@Ctx()` as with any transport.
 */
export class ShopbusServer extends Server implements CustomTransportStrategy {
  override readonly transportId = SHOPBUS_TRANSPORT;
  private readonly registrations: PatternRegistration[] = [];
  private consumers: ConsumerHandle[] = [];
  private readonly contracts: PatternContracts;

  constructor(
    private readonly bus: MessageBus,
    private readonly options: ShopbusServerOptions,
  ) {
    super();
    this.contracts = new PatternContracts(options.contracts);
  }

  /**
   * Nest chains the handlers of one event pattern behind each other; here each stays its own
   * registration, since each may consume its own queue.
   */
  override addHandler(
    pattern: unknown,
    callback: MessageHandler,
    isEventHandler = false,
    extras: Record<string, unknown> = {},
  ): void {
    this.registrations.push({
      pattern,
      handler: callback,
      isEvent: isEventHandler,
      extras: extras as MessageHandlerOptions,
    });
    const route = this.normalizePattern(pattern as string);
    if (!this.messageHandlers.has(route)) this.messageHandlers.set(route, callback);
  }

  /** The endpoints the registered handlers make up (before `listen`, for the declared-queues check). */
  plan(): EndpointPlans {
    const plans = new EndpointPlans(this.options);
    for (const { pattern, handler, isEvent, extras } of this.registrations) {
      const contract: AnyContract = isEvent
        ? this.contracts.forEvent(pattern)
        : this.contracts.forRequest(pattern);
      plans.add(contract, (payload, context) => invoke(handler, payload, context), extras);
    }
    return plans;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      for (const endpoint of this.plan().endpoints) {
        this.consumers.push(await this.bus.subscribe(endpoint));
      }
    } catch (error) {
      callback(error);
      return;
    }
    callback();
  }

  /** Stops taking messages and waits for the handlers in flight. The bus's owner closes it. */
  async close(): Promise<void> {
    const consumers = this.consumers;
    this.consumers = [];
    await Promise.all(consumers.map((consumer) => consumer.stop()));
  }

  on(): never {
    throw new Error('ShopbusServer has no events to listen to: watch the transport’s status');
  }

  unwrap<T>(): T {
    return this.bus as T;
  }
}

async function invoke(handler: MessageHandler, payload: unknown, context: unknown) {
  try {
    return await resultOf(handler(payload, context));
  } catch (error) {
    throw messagingErrorOf(error);
  }
}
