import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Order, OrderHistory } from '../generated/prisma/client';

export class OrderStepView {
  @ApiProperty() at!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ description: 'The message type (or api) that caused the step' }) cause!: string;
  @ApiPropertyOptional() note?: string;
}

/** An order as the REST API shows it: its status and how it got there. */
export class OrderView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['placed', 'awaiting-dispatch', 'shipped', 'delivered', 'cancelled'] })
  status!: string;
  @ApiProperty() customerEmail!: string;
  @ApiProperty() totalCents!: number;
  @ApiProperty() shippingCents!: number;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) items!: unknown;
  @ApiPropertyOptional({ format: 'uuid' }) shipmentId?: string;
  @ApiPropertyOptional() trackingNumber?: string;
  @ApiPropertyOptional() cancelReason?: string;
  @ApiProperty({ type: [OrderStepView] }) history!: OrderStepView[];

  static of(order: Order & { history: OrderHistory[] }): OrderView {
    return {
      id: order.id,
      status: order.status,
      customerEmail: order.customerEmail,
      totalCents: order.totalCents,
      shippingCents: order.shippingCents,
      items: order.items,
      shipmentId: order.shipmentId ?? undefined,
      trackingNumber: order.trackingNumber ?? undefined,
      cancelReason: order.cancelReason ?? undefined,
      history: [...order.history]
        .sort((a, b) => a.id - b.id)
        .map((step) => ({
          at: step.at.toISOString(),
          status: step.status,
          cause: step.cause,
          note: step.note ?? undefined,
        })),
    };
  }
}
