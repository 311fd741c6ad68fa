import { Injectable } from '@nestjs/common';
import { ExternalContextCreator } from '@nestjs/core';
import { RpcParamtype } from '@nestjs/microservices/enums/rpc-paramtype.enum';
import { PARAM_ARGS_METADATA } from '@nestjs/microservices/constants';
import type { MessageContext } from '@shopbus/messaging-core';
import { messagingErrorOf } from './messaging-error-of';
import { resultOf } from './result-of';

/** A handler as the library calls it: the payload, its context, and the answer (for a query). */
export type InvokedHandler = (payload: unknown, context: MessageContext) => Promise<unknown>;

/** Where `@Payload(key?)` and `@Ctx()` find their values among a handler's arguments. */
const messageParams = {
  exchangeKeyForValue(type: number, data: unknown, [payload, context]: unknown[]): unknown {
    if (type === RpcParamtype.PAYLOAD) {
      return typeof data === 'string' && payload && typeof payload === 'object'
        ? (payload as Record<string, unknown>)[data]
        : payload;
    }
    return type === RpcParamtype.CONTEXT ? context : undefined;
  },
};

/**
 * Runs a `@MessageHandler` method the way Nest runs a controller method: inside an execution
 * context of type `rpc` whose arguments are `[payload, MessageContext]`, so that guards,
 * interceptors, pipes and exception filters declared on the method, its class or globally apply
 * as they do to `@EventPattern` handlers. `@Payload()` and `@Ctx()` work on its parameters (a
 * method without parameter decorators receives the two arguments as they are).
 *
 * What escapes the pipeline is translated by `messagingErrorOf`: a guard's refusal or a pipe's
 * rejection is dead-lettered at once; other errors go to the recoverability policy as before.
 */
@Injectable()
export class NestHandlerInvoker {
  constructor(private readonly contextCreator: ExternalContextCreator) {}

  wrap(instance: object, methodName: string): InvokedHandler {
    const method = (instance as Record<string, (...args: unknown[]) => unknown>)[methodName];
    const invoke = this.contextCreator.create(
      instance,
      method,
      methodName,
      PARAM_ARGS_METADATA,
      messageParams,
      undefined,
      undefined,
      undefined,
      'rpc',
    );
    return async (payload, context) => {
      try {
        return await resultOf(invoke(payload, context));
      } catch (error) {
        throw messagingErrorOf(error);
      }
    };
  }
}
