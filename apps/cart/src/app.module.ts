import { Module, type DynamicModule } from '@nestjs/common';
import {
  serviceLogger,
  ServiceHealthModule,
  shopMessaging,
  ShopOutboxModule,
  type ShopMessagingOptions,
  type ShopOutboxOptions,
} from '@shopbus/platform';
import type { CartConfig } from './config';
import { AbandonmentHandler } from './carts/abandonment.handler';
import { CartsController } from './carts/carts.controller';
import { CartsService } from './carts/carts.service';
import { CheckoutService } from './carts/checkout.service';
import { ProductsController } from './catalogue/products.controller';
import { CartPrisma } from './cart-prisma.service';
import { CART_CONFIG } from './cart.tokens';

/** Tuning the tests apply: faster redelivery and polling. */
export interface CartTuning {
  messaging?: ShopMessagingOptions;
  relay?: ShopOutboxOptions['relay'];
}

@Module({})
export class CartModule {
  static forRoot(config: CartConfig, tuning: CartTuning = {}): DynamicModule {
    const prisma = new CartPrisma(config.databaseUrl);
    return {
      module: CartModule,
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
      controllers: [ProductsController, CartsController],
      providers: [
        { provide: CART_CONFIG, useValue: config },
        { provide: CartPrisma, useValue: prisma },
        CartsService,
        CheckoutService,
        AbandonmentHandler,
      ],
      exports: [CartPrisma],
    };
  }
}
