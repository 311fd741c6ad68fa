import { Module, type DynamicModule } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { shopContracts } from '@shopbus/contracts';
import { MessageBus } from '@shopbus/messaging-core';
import { ShopbusClientProxy } from '@shopbus/messaging-nestjs';
import { serviceInfrastructure, type ServiceTuning } from '@shopbus/platform';
import type { CartConfig } from './config';
import { AbandonIdleCart } from './carts/abandon-idle-cart.handler';
import { CartsController } from './carts/carts.controller';
import { CartsService } from './carts/carts.service';
import { CheckoutAdmission } from './carts/checkout-admission';
import { CheckoutService } from './carts/checkout.service';
import { checkoutRateLimit } from './carts/checkout-rate-limit';
import { ProductsController } from './catalogue/products.controller';
import { CartPrisma } from './cart-prisma.service';
import { CART_CONFIG, SHIPPING_CLIENT } from './cart.tokens';
import { cartOutgoing } from './cart.endpoints';

@Module({})
export class CartModule {
  static forRoot(config: CartConfig, tuning: ServiceTuning = {}): DynamicModule {
    const prisma = new CartPrisma(config.databaseUrl);
    return {
      module: CartModule,
      imports: [
        ...serviceInfrastructure(
          config,
          {
            // Prisma's transactions: the abandonment check uses the model API.
            database: { ping: () => prisma.$queryRaw`SELECT 1`, transactions: prisma },
            outgoing: cartOutgoing,
          },
          tuning,
        ),
        checkoutRateLimit(config.checkoutRateLimit),
        // The checkout asks for quotes the Nest way, through a ClientProxy on the bus.
        ClientsModule.registerAsync([
          {
            name: SHIPPING_CLIENT,
            inject: [MessageBus],
            useFactory: (bus: MessageBus) => ({
              customClass: ShopbusClientProxy,
              options: { bus, contracts: shopContracts, requestTimeoutMs: config.quoteTimeoutMs },
            }),
          },
        ]),
      ],
      controllers: [ProductsController, CartsController],
      providers: [
        { provide: CART_CONFIG, useValue: config },
        { provide: CartPrisma, useValue: prisma },
        CartsService,
        CheckoutService,
        CheckoutAdmission,
        AbandonIdleCart,
      ],
      exports: [CartPrisma],
    };
  }
}
