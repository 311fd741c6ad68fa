import { Module, type DynamicModule } from '@nestjs/common';
import { MessageBus } from '@shopbus/messaging-core';
import { nestMessagingLogger } from '@shopbus/messaging-nestjs';
import { Inbox, Outbox, OutboxRelay, type OutboxRelayOptions } from '@shopbus/messaging-outbox';
import { OutboxRelayHost } from './outbox-relay.host';

export interface ShopOutboxOptions {
  databaseUrl: string;
  serviceName: string;
  /** Run the relay for the life of the application. Default true. */
  startRelay?: boolean;
  /** Relay settings (tests poll faster). */
  relay?: Partial<Omit<OutboxRelayOptions, 'databaseUrl' | 'transport'>>;
}

/**
 * The outbox, the inbox and the relay for one service's database, as injectable providers.
 * Requires the MessagingModule (the relay publishes through its transport).
 */
@Module({})
export class ShopOutboxModule {
  static forRoot(options: ShopOutboxOptions): DynamicModule {
    return {
      module: ShopOutboxModule,
      global: true,
      providers: [
        { provide: Outbox, inject: [MessageBus], useFactory: (bus: MessageBus) => new Outbox(bus) },
        { provide: Inbox, useValue: new Inbox() },
        {
          provide: OutboxRelay,
          inject: [MessageBus],
          useFactory: (bus: MessageBus) =>
            new OutboxRelay({
              databaseUrl: options.databaseUrl,
              transport: bus.transport,
              name: `${options.serviceName} outbox relay`,
              logger: nestMessagingLogger(`${options.serviceName} outbox`),
              ...options.relay,
            }),
        },
        {
          provide: OutboxRelayHost,
          inject: [OutboxRelay],
          useFactory: (relay: OutboxRelay) =>
            new OutboxRelayHost(relay, options.startRelay ?? true),
        },
      ],
      exports: [Outbox, Inbox, OutboxRelay],
    };
  }
}
