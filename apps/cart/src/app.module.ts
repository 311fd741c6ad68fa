import { Module, type DynamicModule } from '@nestjs/common';
import { serviceInfrastructure, type ServiceTuning } from '@shopbus/platform';
import type { CartConfig } from './config';
import { AbandonIdleCart } from './carts/abandon-idle-cart.handler';
import { CartsController } from './carts/carts.controller';
import { CartsService } from './carts/carts.service';
import { CheckoutService } from './carts/checkout.service';
import { ProductsController } from './catalogue/products.controller';
import { CartPrisma } from './cart-prisma.service';
import { CART_CONFIG } from './cart.tokens';
import { cartOutgoing } from './cart.endpoints';

@Module({})
export class CartModule {
  static forRoot(config: CartConfig, tuning: ServiceTuning = {}): DynamicModule {
    const prisma = new CartPrisma(config.databaseUrl);
    return {
      module: CartModule,
      imports: serviceInfrastructure(
        config,
        {
          // Prisma's transactions: the abandonment check uses the model API.
          database: { ping: () => prisma.$queryRaw`SELECT 1`, transactions: prisma },
          outgoing: cartOutgoing,
        },
        tuning,
      ),
      controllers: [ProductsController, CartsController],
      providers: [
        { provide: CART_CONFIG, useValue: config },
        { provide: CartPrisma, useValue: prisma },
        CartsService,
        CheckoutService,
        AbandonIdleCart,
      ],
      exports: [CartPrisma],
    };
  }
}
