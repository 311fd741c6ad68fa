import { Module, type DynamicModule } from '@nestjs/common';
import { serviceInfrastructure, type ServiceTuning } from '@shopbus/platform';
import type { ShippingConfig } from './config';
import { CourierHandler } from './shipments/courier.handler';
import { ShipmentsController } from './shipments/shipments.controller';
import { ShipmentsService } from './shipments/shipments.service';
import { ShippingRequestsHandler } from './shipments/shipping-requests.handler';
import { ShippingPrisma } from './shipping-prisma.service';
import { SHIPPING_CONFIG } from './shipping.tokens';

@Module({})
export class ShippingModule {
  static forRoot(config: ShippingConfig, tuning: ServiceTuning = {}): DynamicModule {
    const prisma = new ShippingPrisma(config.databaseUrl);
    return {
      module: ShippingModule,
      imports: serviceInfrastructure(config, () => prisma.$queryRaw`SELECT 1`, tuning),
      // The message handlers are controllers too: shipping uses Nest's microservice style.
      controllers: [ShipmentsController, ShippingRequestsHandler, CourierHandler],
      providers: [
        { provide: SHIPPING_CONFIG, useValue: config },
        { provide: ShippingPrisma, useValue: prisma },
        ShipmentsService,
      ],
      exports: [ShippingPrisma],
    };
  }
}
