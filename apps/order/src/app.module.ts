import { Module, type DynamicModule } from '@nestjs/common';
import {
  serviceLogger,
  ServiceHealthModule,
  shopMessaging,
  ShopOutboxModule,
  type ShopMessagingOptions,
  type ShopOutboxOptions,
} from '@shopbus/platform';
import type { OrderConfig } from './config';
import { FulfilmentHandler } from './fulfilment/fulfilment.handler';
import { FulfilmentService } from './fulfilment/fulfilment.service';
import { PlaceOrderHandler } from './fulfilment/place-order.handler';
import { OrdersController } from './orders/orders.controller';
import { OrdersService } from './orders/orders.service';
import { OrderPrisma } from './order-prisma.service';
import { ORDER_CONFIG } from './order.tokens';

/** Tuning the tests apply: faster redelivery and polling. */
export interface OrderTuning {
  messaging?: ShopMessagingOptions;
  relay?: ShopOutboxOptions['relay'];
}

@Module({})
export class OrderModule {
  static forRoot(config: OrderConfig, tuning: OrderTuning = {}): DynamicModule {
    const prisma = new OrderPrisma(config.databaseUrl);
    return {
      module: OrderModule,
      imports: [
        serviceLogger(config),
        shopMessaging(config, tuning.messaging),
        ShopOutboxModule.forRoot({
          databaseUrl: config.databaseUrl,
          serviceName: config.serviceName,
          relay: { pollIntervalMs: config.outboxPollIntervalMs, ...tuning.relay },
        }),
        ServiceHealthModule.forRoot(() => prisma.$queryRaw`SELECT 1`),
      ],
      controllers: [OrdersController],
      providers: [
        { provide: ORDER_CONFIG, useValue: config },
        { provide: OrderPrisma, useValue: prisma },
        OrdersService,
        FulfilmentService,
        PlaceOrderHandler,
        FulfilmentHandler,
      ],
      exports: [OrderPrisma],
    };
  }
}
