import { Injectable } from '@nestjs/common';
import { OrderPrisma } from '../order-prisma.service';
import { FulfilmentService } from '../fulfilment/fulfilment.service';
import { OrderNotFoundError } from './order-errors';
import { OrderView } from './order.view';

@Injectable()
export class OrdersService {
  constructor(
    private readonly prisma: OrderPrisma,
    private readonly fulfilment: FulfilmentService,
  ) {}

  async get(orderId: string): Promise<OrderView> {
    const order = await this.prisma.order.findUnique({
      where: { id: orderId },
      include: { history: true },
    });
    if (!order) throw new OrderNotFoundError(orderId);
    return OrderView.of(order);
  }

  /** The customer cancels: the saga compensates if the order has not left yet (else 409). */
  async cancel(orderId: string): Promise<OrderView> {
    await this.prisma.sql.$transaction((tx) =>
      this.fulfilment.apply(tx, orderId, { type: 'customer-cancelled' }, 'api'),
    );
    return this.get(orderId);
  }
}
