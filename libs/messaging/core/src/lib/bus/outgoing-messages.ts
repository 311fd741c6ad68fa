import type { AnyContract } from '../contracts/message-contract';
import type { Destination } from '../ports/transport';

/**
 * A message type a service puts on the wire: an event it publishes, a command it sends (with
 * where, when not to the commands exchange by type) or a query it asks.
 */
export type OutgoingMessage = AnyContract | { contract: AnyContract; destination: Destination };

/** The contract of an outgoing declaration, whichever form it takes. */
export function contractOf(message: OutgoingMessage): AnyContract {
  return 'contract' in message ? message.contract : message;
}

/** Where a declared command goes, if the declaration says. */
export function destinationOf(message: OutgoingMessage): Destination | undefined {
  return 'contract' in message ? message.destination : undefined;
}

/**
 * The written-down list of what a service sends, held to: a bus given one refuses to create an
 * envelope (so to publish, send, request, or write an outbox row) for any other type, naming the
 * list to extend. What the service says it sends (its AsyncAPI document, for one)
 * therefore cannot fall behind what it does.
 */
export class OutgoingMessages {
  private readonly types: ReadonlySet<string>;

  constructor(
    private readonly service: string,
    readonly declared: readonly OutgoingMessage[],
  ) {
    this.types = new Set(declared.map((message) => contractOf(message).type));
    const foreign = declared
      .map(contractOf)
      .filter((contract) => contract.senders && !contract.senders.includes(service));
    if (foreign.length > 0) {
      throw new Error(
        `${service} declares that it sends ${foreign
          .map((c) => `"${c.type}" (sent only by ${c.senders?.join(', ')})`)
          .join(', ')}: receivers would refuse it`,
      );
    }
  }

  assertDeclared(contract: AnyContract): void {
    if (this.types.has(contract.type)) return;
    throw new Error(
      `${this.service} does not declare that it sends "${contract.type}": add it to the ` +
        "service's outgoing messages",
    );
  }
}
