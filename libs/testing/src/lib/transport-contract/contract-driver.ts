import {
  createEnvelope,
  toOutbound,
  type AnyContract,
  type EndpointBinding,
  type InboundHandler,
  type InboundMessage,
  type MessageHeaders,
  type OutboundMessage,
  type Transport,
} from '@shopbus/messaging-core';

/** A router (exchange) a test declares besides the transport's own, and how it feeds others. */
export interface ContractRouters {
  exchanges: { name: string; type: 'direct' | 'topic' | 'fanout' | 'headers' }[];
  /** Router-to-router bindings (`destinationKind: 'exchange'`). */
  bindings?: {
    source: string;
    destination: string;
    destinationKind: 'exchange';
    pattern?: string;
  }[];
}

/**
 * One test's world on the transport under contract: transports that share routers and queues
 * (as services share a broker), names unique to the test, and clean-up. A transport passes the
 * contract when its driver's world behaves as the suite says.
 */
export interface ContractWorld {
  /** The events (topic) and commands (direct) routers every transport of this world uses. */
  readonly eventsExchange: string;
  readonly commandsExchange: string;
  /** A started transport, as another service would have; `logicalNames` maps names code uses. */
  open(options?: { logicalNames?: Record<string, string> }): Promise<Transport>;
  /** Declares routers (and router-to-router bindings) outside any transport, as an operator would. */
  declare(routers: ContractRouters): Promise<void>;
  /** A queue or router name unique to this test, cleaned up by `close`. */
  name(prefix: string): string;
  close(): Promise<void>;
}

export interface TransportContractDriver {
  /** What the suite's titles call the transport: 'RabbitMQ', 'in memory'. */
  readonly name: string;
  start(): Promise<ContractWorld>;
}

/** An outbound message of `contract`'s type, as the bus would build it. */
export function outbound(
  contract: Pick<AnyContract, 'type'>,
  payload: unknown,
  headers: MessageHeaders = {},
): OutboundMessage {
  return toOutbound(
    createEnvelope({ messageType: contract.type, payload, source: 'contract-test', headers }),
  );
}

/** The endpoint spec a consume call takes, with the suite's defaults. */
export function endpoint(
  queue: string,
  contracts: readonly AnyContract[],
  options: { prefetch?: number; bindings?: EndpointBinding[]; redeliveryDelaysMs?: number[] } = {},
) {
  return {
    queue,
    prefetch: options.prefetch ?? 10,
    contracts,
    redeliveryDelaysMs: options.redeliveryDelaysMs ?? [],
    bindings: options.bindings,
  };
}

/** A handler that records what it was given and acknowledges. */
export function recording(into: { record(message: InboundMessage): void }): InboundHandler {
  return async (message) => into.record(message);
}

/** A decoded body. */
export const bodyOf = (message: { body: Buffer }): unknown =>
  JSON.parse(message.body.toString('utf8'));
