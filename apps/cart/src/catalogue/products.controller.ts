import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CartPrisma } from '../cart-prisma.service';

export class ProductView {
  @ApiProperty() sku!: string;
  @ApiProperty() name!: string;
  @ApiProperty() priceCents!: number;
}

@ApiTags('catalogue')
@Controller('products')
export class ProductsController {
  constructor(private readonly prisma: CartPrisma) {}

  @Get()
  @ApiOkResponse({ type: [ProductView] })
  list(): Promise<ProductView[]> {
    return this.prisma.product.findMany({ orderBy: { sku: 'asc' } });
  }
}
