import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { OutboxRelay } from '@shopbus/messaging-outbox';

/**
 * Runs the service's outbox relay for the life of the application: started once the messaging
 * module connected, stopped before the transport closes (`beforeApplicationShutdown` runs ahead
 * of every `onApplicationShutdown`), so its last batch is confirmed and marked.
 */
export class OutboxRelayHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    readonly relay: OutboxRelay,
    private readonly enabled = true,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.enabled) await this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.enabled) await this.relay.stop();
  }
}
