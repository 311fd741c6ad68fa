import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CourierDeliver, CourierDispatch } from '@shopbus/contracts';
import type { PayloadOf } from '@shopbus/messaging-core';
import { ShipmentStateError } from './shipment-errors';
import { shippingEndpoints } from '../shipping.endpoints';
import { ShipmentsService } from './shipments.service';

/**
 * The demo's courier: scheduled messages that dispatch a shipment a while after it was created
 * and deliver it a while later, so that a checkout runs to the end by itself. A step the
 * shipment is already past (cancelled, or moved by hand through the REST API) is skipped: the
 * steps' conditional updates make a duplicate delivery harmless without an inbox record.
 */
@Controller()
export class AdvanceShipmentOnCourierStep {
  private readonly logger = new Logger(AdvanceShipmentOnCourierStep.name);

  constructor(private readonly shipments: ShipmentsService) {}

  @EventPattern(CourierDispatch.type, shippingEndpoints.courier)
  async dispatch(@Payload() { shipmentId }: PayloadOf<typeof CourierDispatch>): Promise<void> {
    await this.skipIfPast(() => this.shipments.dispatch(shipmentId));
  }

  @EventPattern(CourierDeliver.type, shippingEndpoints.courier)
  async deliver(@Payload() { shipmentId }: PayloadOf<typeof CourierDeliver>): Promise<void> {
    await this.skipIfPast(() => this.shipments.deliver(shipmentId));
  }

  private async skipIfPast(step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (error) {
      if (!(error instanceof ShipmentStateError)) throw error;
      this.logger.log({ msg: 'courier step skipped', reason: error.message });
    }
  }
}
