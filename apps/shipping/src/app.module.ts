import { Module, type DynamicModule } from '@nestjs/common';
import {
  serviceLogger,
  ServiceHealthModule,
  shopMessaging,
  ShopOutboxModule,
  type ShopMessagingOptions,
  type ShopOutboxOptions,
} from '@shopbus/platform';
import type { ShippingConfig } from './config';
import { CourierHandler } from './shipments/courier.handler';
import { ShipmentsController } from './shipments/shipments.controller';
import { ShipmentsService } from './shipments/shipments.service';
import { ShippingRequestsHandler } from './shipments/shipping-requests.handler';
import { ShippingPrisma } from './shipping-prisma.service';
import { SHIPPING_CONFIG } from './shipping.tokens';

/** Tuning the tests apply: faster redelivery and polling. */
export interface ShippingTuning {
  messaging?: ShopMessagingOptions;
  relay?: ShopOutboxOptions['relay'];
}

@Module({})
export class ShippingModule {
  static forRoot(config: ShippingConfig, tuning: ShippingTuning = {}): DynamicModule {
    const prisma = new ShippingPrisma(config.databaseUrl);
    return {
      module: ShippingModule,
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
      controllers: [ShipmentsController],
      providers: [
        { provide: SHIPPING_CONFIG, useValue: config },
        { provide: ShippingPrisma, useValue: prisma },
        ShipmentsService,
        ShippingRequestsHandler,
        CourierHandler,
      ],
      exports: [ShippingPrisma],
    };
  }
}
