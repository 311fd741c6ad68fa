import type {
  AnyContract,
  MessageContract,
  PayloadOf,
  QueryContract,
  ResponseOf,
} from '../contracts/message-contract';
import type { MessageEnvelope } from '../envelope/message-envelope';

/** What a handler gets besides the payload: the whole envelope and how it was delivered. */
export interface MessageContext<TPayload = unknown> {
  readonly envelope: MessageEnvelope<TPayload>;
  /** The broker delivered this message before (a crash or a lost connection, not a retry). */
  readonly redelivered: boolean;
  /** The endpoint (queue) that received it. */
  readonly endpoint: string;
  /**
   * On an idempotent endpoint: the transaction the handler's writes go in, committed with the
   * inbox record (the outbox library's `transactionOf(context)` types it). Undefined elsewhere.
   */
  readonly transaction?: unknown;
}

/**
 * Handles one message type. An event or command handler resolves when done; a query handler
 * resolves to its response. Throwing leaves the message to the recoverability policies.
 */
export type HandlerFunction<C extends MessageContract> = (
  payload: PayloadOf<C>,
  context: MessageContext<PayloadOf<C>>,
) => Promise<C extends QueryContract ? ResponseOf<C> : void>;

export interface HandlerRegistration<C extends AnyContract = AnyContract> {
  readonly contract: C;
  readonly handle: HandlerFunction<C>;
}

/** Pairs a contract with its handler, keeping the payload type of the one in the other. */
export function handlerFor<C extends AnyContract>(
  contract: C,
  handle: HandlerFunction<C>,
): HandlerRegistration {
  return { contract, handle } as unknown as HandlerRegistration;
}

/**
 * Handles every message an endpoint receives for which it has no handler of the type: what a
 * pattern or fanout subscriber (an audit log) needs. The payload is the decoded JSON, unvalidated:
 * the endpoint does not know the contract.
 */
export type FallbackHandler = (payload: unknown, context: MessageContext<unknown>) => Promise<void>;
