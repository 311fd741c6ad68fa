import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Shipment } from '../generated/prisma/client';

/** A shipment as the REST API shows it. */
export class ShipmentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty({ enum: ['created', 'dispatched', 'delivered', 'cancelled', 'failed'] })
  status!: string;
  @ApiProperty() country!: string;
  @ApiPropertyOptional() trackingNumber?: string;
  @ApiPropertyOptional() failureReason?: string;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional() dispatchedAt?: string;
  @ApiPropertyOptional() deliveredAt?: string;

  static of(shipment: Shipment): ShipmentView {
    return {
      id: shipment.id,
      orderId: shipment.orderId,
      status: shipment.status,
      country: shipment.country,
      trackingNumber: shipment.trackingNumber ?? undefined,
      failureReason: shipment.failureReason ?? undefined,
      createdAt: shipment.createdAt.toISOString(),
      dispatchedAt: shipment.dispatchedAt?.toISOString(),
      deliveredAt: shipment.deliveredAt?.toISOString(),
    };
  }
}
