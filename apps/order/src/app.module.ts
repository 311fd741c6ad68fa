import { Module, type DynamicModule } from '@nestjs/common';
import { serviceInfrastructure, type ServiceTuning } from '@shopbus/platform';
import type { OrderConfig } from './config';
import { FulfilmentHandler } from './fulfilment/fulfilment.handler';
import { FulfilmentService } from './fulfilment/fulfilment.service';
import { PlaceOrderHandler } from './fulfilment/place-order.handler';
import { OrdersController } from './orders/orders.controller';
import { OrdersService } from './orders/orders.service';
import { OrderPrisma } from './order-prisma.service';
import { ORDER_CONFIG } from './order.tokens';

@Module({})
export class OrderModule {
  static forRoot(config: OrderConfig, tuning: ServiceTuning = {}): DynamicModule {
    const prisma = new OrderPrisma(config.databaseUrl);
    return {
      module: OrderModule,
      imports: serviceInfrastructure(config, () => prisma.$queryRaw`SELECT 1`, tuning),
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
