import {
  decodeBody,
  faultEventType,
  type AnyContract,
  type Fault,
  type FaultEventPayload,
  type MessageEnvelope,
} from '@shopbus/messaging-core';
import type { z } from 'zod';
import type { BrokerEvent } from '../broker/in-memory-broker';
import type { StoredMessage } from '../broker/stored-message';

/** A message the harness saw dead-lettered, with why. */
export interface DeadLetteredEnvelope<T> {
  envelope: MessageEnvelope<T>;
  queue: string;
  reason: string;
  fault?: Fault;
}

type PayloadOf<C extends AnyContract> = z.output<C['schema']>;

/**
 * Everything that happened on a harness's broker, in order, read by contract: what was
 * published (events), sent (commands and queries), consumed (handled to the end), dead-lettered,
 * and the fault events announcing dead letters.
 */
export class HarnessJournal {
  private readonly events: BrokerEvent[] = [];

  constructor(
    /** The router events are published to: what went there was published, the rest sent. */
    private readonly eventsExchange: string,
    /** The harness's own queue, which sees every event: not a consumer of the code under test. */
    private readonly observerQueue: string,
  ) {}

  record(event: BrokerEvent): void {
    this.events.push(event);
  }

  /** Events of `contract`'s type the broker accepted. */
  published<C extends AnyContract>(contract: C): MessageEnvelope<PayloadOf<C>>[] {
    return this.accepted(contract, (exchange) => exchange === this.eventsExchange);
  }

  /** Commands and queries of `contract`'s type the broker accepted (to a router or a queue). */
  sent<C extends AnyContract>(contract: C): MessageEnvelope<PayloadOf<C>>[] {
    return this.accepted(contract, (exchange) => exchange !== this.eventsExchange);
  }

  /**
   * Messages of `contract`'s type a handler finished with (not redelivered, not dead-lettered),
   * once per endpoint that handled it.
   */
  consumed<C extends AnyContract>(contract: C): MessageEnvelope<PayloadOf<C>>[] {
    return this.events.flatMap((event) =>
      event.kind === 'settled' &&
      event.outcome === 'handled' &&
      event.queue !== this.observerQueue &&
      event.message.metadata.messageType === contract.type
        ? [envelopeOf<PayloadOf<C>>(event.message)]
        : [],
    );
  }

  /** Messages of `contract`'s type moved to a dead-letter queue, with the reason. */
  deadLettered<C extends AnyContract>(contract: C): DeadLetteredEnvelope<PayloadOf<C>>[] {
    return this.events.flatMap((event) =>
      event.kind === 'dead-lettered' && event.message.metadata.messageType === contract.type
        ? [
            {
              envelope: envelopeOf<PayloadOf<C>>(event.message),
              queue: event.queue,
              reason: event.reason,
              fault: event.fault,
            },
          ]
        : [],
    );
  }

  /** The `<type>.faulted` events announcing that messages of `contract`'s type were given up. */
  faulted(contract: AnyContract): MessageEnvelope<FaultEventPayload>[] {
    return this.accepted(
      { type: faultEventType(contract.type) },
      (exchange) => exchange === this.eventsExchange,
    );
  }

  private accepted<T>(
    contract: Pick<AnyContract, 'type'>,
    where: (exchange: string) => boolean,
  ): MessageEnvelope<T>[] {
    return this.events.flatMap((event) =>
      event.kind === 'accepted' &&
      where(event.exchange) &&
      event.message.metadata.messageType === contract.type
        ? [envelopeOf<T>(event.message)]
        : [],
    );
  }
}

function envelopeOf<T>(message: StoredMessage): MessageEnvelope<T> {
  return { ...message.metadata, payload: decodeBody(message.body) as T };
}
