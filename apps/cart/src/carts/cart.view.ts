import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Cart, CartItem, Product } from '../generated/prisma/client';

export class CartLineView {
  @ApiProperty() sku!: string;
  @ApiProperty() name!: string;
  @ApiProperty() quantity!: number;
  @ApiProperty() unitPriceCents!: number;
  @ApiProperty() lineTotalCents!: number;
}

/** A cart as the REST API shows it. */
export class CartView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['open', 'checked-out', 'abandoned'] }) status!: string;
  @ApiPropertyOptional() customerEmail?: string;
  @ApiPropertyOptional({ format: 'uuid' }) orderId?: string;
  @ApiProperty({ type: [CartLineView] }) items!: CartLineView[];
  @ApiProperty() itemCount!: number;
  @ApiProperty() itemsTotalCents!: number;

  static of(cart: Cart & { items: (CartItem & { product: Product })[] }): CartView {
    const items = [...cart.items]
      .sort((a, b) => a.sku.localeCompare(b.sku))
      .map((item) => ({
        sku: item.sku,
        name: item.product.name,
        quantity: item.quantity,
        unitPriceCents: item.unitPriceCents,
        lineTotalCents: item.quantity * item.unitPriceCents,
      }));
    return {
      id: cart.id,
      status: cart.status,
      customerEmail: cart.customerEmail ?? undefined,
      orderId: cart.orderId ?? undefined,
      items,
      itemCount: items.reduce((sum, item) => sum + item.quantity, 0),
      itemsTotalCents: items.reduce((sum, item) => sum + item.lineTotalCents, 0),
    };
  }
}
