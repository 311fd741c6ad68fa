import { Module, type DynamicModule } from '@nestjs/common';
import { serviceInfrastructure, type ServiceTuning } from '@shopbus/platform';
import type { OrderConfig } from './config';
import { AdvanceOrderFulfilment } from './fulfilment/advance-order-fulfilment.handler';
import { FulfilmentService } from './fulfilment/fulfilment.service';
import { PlaceOrderWhenCartCheckedOut } from './fulfilment/place-order-when-cart-checked-out.handler';
import { OrdersController } from './orders/orders.controller';
import { OrdersService } from './orders/orders.service';
import { OrderPrisma } from './order-prisma.service';
import { ORDER_CONFIG } from './order.tokens';
import { orderOutgoing } from './order.endpoints';

@Module({})
export class OrderModule {
  static forRoot(config: OrderConfig, tuning: ServiceTuning = {}): DynamicModule {
    const prisma = new OrderPrisma(config.databaseUrl);
    return {
      module: OrderModule,
      imports: serviceInfrastructure(
        config,
        {
          database: { ping: () => prisma.$queryRaw`SELECT 1`, transactions: prisma.sql },
          outgoing: orderOutgoing,
        },
        tuning,
      ),
      controllers: [OrdersController],
      providers: [
        { provide: ORDER_CONFIG, useValue: config },
        { provide: OrderPrisma, useValue: prisma },
        OrdersService,
        FulfilmentService,
        PlaceOrderWhenCartCheckedOut,
        AdvanceOrderFulfilment,
      ],
      exports: [OrderPrisma],
    };
  }
}
