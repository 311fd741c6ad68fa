import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { EncryptingTransport, MessageBus } from '@shopbus/messaging-core';
import { MessagingExplorer } from '@shopbus/messaging-nestjs';
import { asyncApiDocument, RabbitMqTransport } from '@shopbus/messaging-rabbitmq';
import { SERVICE_CONFIG_FOR_DOCS, type DocumentedService } from './documented-service';
import { asyncApiPage } from './asyncapi-page';

/**
 * The service's AsyncAPI 3 document, next to Swagger's /docs: `GET /asyncapi.json`, and
 * `GET /asyncapi`, the same rendered as a page. Built from the running service's endpoints (both
 * handler styles), its declared outgoing messages and its transport's exchanges, so it says what
 * the service does, not what someone wrote down. None of them changes once the service runs: the
 * document is built on the first request and kept.
 */
@ApiExcludeController()
@Controller()
export class AsyncApiController {
  constructor(
    private readonly bus: MessageBus,
    private readonly explorer: MessagingExplorer,
    @Inject(SERVICE_CONFIG_FOR_DOCS) private readonly service: DocumentedService,
  ) {}

  private built?: Record<string, unknown>;

  @Get('asyncapi.json')
  document(): Record<string, unknown> {
    this.built ??= this.build();
    return this.built;
  }

  @Get('asyncapi')
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return asyncApiPage(this.document());
  }

  private build(): Record<string, unknown> {
    const { transport: outer } = this.bus;
    // Beneath the encryption, if any: the document describes the broker's side.
    const transport = outer instanceof EncryptingTransport ? outer.inner : outer;
    if (!(transport instanceof RabbitMqTransport)) {
      throw new Error('The AsyncAPI document describes the RabbitMQ transport only');
    }
    return asyncApiDocument({
      service: this.service.name,
      version: '1.0',
      host: this.service.brokerHost,
      endpoints: this.explorer.endpoints(),
      outgoing: this.bus.outgoing?.declared ?? [],
      exchanges: transport.exchangeMap(),
    });
  }
}
