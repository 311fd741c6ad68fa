import { Module, type DynamicModule } from '@nestjs/common';
import { serviceInfrastructure, type ServiceTuning } from '@shopbus/platform';
import type { ShippingConfig } from './config';
import { AdvanceShipmentOnCourierStep } from './shipments/advance-shipment-on-courier-step.handler';
import { AnswerShippingQuote } from './shipments/answer-shipping-quote.handler';
import { CancelShipmentOnCommand } from './shipments/cancel-shipment-on-command.handler';
import { CreateShipmentOnCommand } from './shipments/create-shipment-on-command.handler';
import { ShipmentsController } from './shipments/shipments.controller';
import { ShipmentsService } from './shipments/shipments.service';
import { ShippingPrisma } from './shipping-prisma.service';
import { SHIPPING_CONFIG } from './shipping.tokens';
import { shippingOutgoing } from './shipping.endpoints';

@Module({})
export class ShippingModule {
  static forRoot(config: ShippingConfig, tuning: ServiceTuning = {}): DynamicModule {
    const prisma = new ShippingPrisma(config.databaseUrl);
    return {
      module: ShippingModule,
      imports: serviceInfrastructure(
        config,
        {
          database: { ping: () => prisma.$queryRaw`SELECT 1`, transactions: prisma.sql },
          outgoing: shippingOutgoing,
        },
        tuning,
      ),
      // The message handlers are controllers too: shipping uses Nest's microservice style.
      controllers: [
        ShipmentsController,
        AnswerShippingQuote,
        CreateShipmentOnCommand,
        CancelShipmentOnCommand,
        AdvanceShipmentOnCourierStep,
      ],
      providers: [
        { provide: SHIPPING_CONFIG, useValue: config },
        { provide: ShippingPrisma, useValue: prisma },
        ShipmentsService,
      ],
      exports: [ShippingPrisma],
    };
  }
}
