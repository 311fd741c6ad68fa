import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { AnyContract, MessageBus } from '@shopbus/messaging-core';
import { PatternContracts } from './pattern-contracts';

export interface ShopbusClientOptions {
  /** The service's bus (MessagingModule provides it, connected). */
  bus: MessageBus;
  /** Contracts whose types patterns may name: their payloads are validated before sending. */
  contracts?: readonly AnyContract[];
  /** How long `send` waits for the reply. Default: the bus's request timeout. */
  requestTimeoutMs?: number;
}

/**
 * A Nest `ClientProxy` over the shopbus bus, registered like any Nest client:
 *
 *     ClientsModule.registerAsync([{
 *       name: 'SHOP', inject: [MessageBus],
 *       useFactory: (bus: MessageBus) => ({ customClass: ShopbusClientProxy, options: { bus, contracts } }),
 *     }])
 *
 * `emit(type, payload)` publishes an event (or sends a command, when the type is a command's) and
 * completes once the broker holds it; `send(type, payload)` makes a request and emits the one
 * reply, or errors with `RequestTimeoutError` or with the responder's error (`RemoteHandlerError`).
 * What the library's `publish`/`send`/`request` guarantee holds here too: confirmed, never dropped.
 */
export class ShopbusClientProxy extends ClientProxy {
  private readonly contracts: PatternContracts;

  constructor(private readonly options: ShopbusClientOptions) {
    super();
    this.contracts = new PatternContracts(options.contracts);
  }

  /** The bus is connected by its module; nothing to do. */
  async connect(): Promise<MessageBus> {
    return this.options.bus;
  }

  /** The bus belongs to its module, which closes it. */
  close(): void {
    return undefined;
  }

  unwrap<T>(): T {
    return this.options.bus as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    let unsubscribed = false;
    const answer = (result: WritePacket) => {
      if (!unsubscribed) callback(result);
    };
    try {
      const contract = this.contracts.forRequest(packet.pattern);
      this.options.bus
        .request(contract, packet.data, { timeoutMs: this.options.requestTimeoutMs })
        .then(
          (response) => answer({ response, isDisposed: true }),
          (err: unknown) => answer({ err }),
        );
    } catch (err) {
      answer({ err });
    }
    // The reply may still arrive; it is then ignored (the library's requester times out alone).
    return () => {
      unsubscribed = true;
    };
  }

  protected async dispatchEvent<T>(packet: ReadPacket): Promise<T> {
    const contract = this.contracts.forEvent(packet.pattern);
    const { bus } = this.options;
    const envelope =
      contract.kind === 'event'
        ? await bus.publish(contract, packet.data)
        : await bus.send(contract, packet.data);
    return envelope as T;
  }
}
