import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiGatewayTimeoutResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CartView } from './cart.view';
import {
  CheckoutAcceptedView,
  CheckoutDto,
  CreateCartDto,
  SetQuantityDto,
  ShippingQuoteView,
} from './cart.dto';
import { CartsService } from './carts.service';
import { CheckoutAdmission } from './checkout-admission';
import { CheckoutService } from './checkout.service';
import { EmptyCartError } from './cart-errors';

const SKU = /^[A-Z0-9-]{1,40}$/;

@ApiTags('carts')
@Controller('carts')
export class CartsController {
  constructor(
    private readonly carts: CartsService,
    private readonly checkouts: CheckoutService,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: CartView })
  create(@Body() body: CreateCartDto): Promise<CartView> {
    return this.carts.create(body.customerEmail);
  }

  @Get(':id')
  @ApiOkResponse({ type: CartView })
  @ApiNotFoundResponse()
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<CartView> {
    return this.carts.get(id);
  }

  @Put(':id/items/:sku')
  @ApiOperation({ summary: 'Put a quantity of a product in the cart (add or change the line)' })
  @ApiOkResponse({ type: CartView })
  @ApiNotFoundResponse({ description: 'No such cart or product' })
  @ApiConflictResponse({ description: 'The cart is checked out or abandoned' })
  setQuantity(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('sku') sku: string,
    @Body() body: SetQuantityDto,
  ): Promise<CartView> {
    return this.carts.setQuantity(id, checkedSku(sku), body.quantity);
  }

  @Delete(':id/items/:sku')
  @ApiOkResponse({ type: CartView })
  @ApiNotFoundResponse()
  @ApiConflictResponse()
  removeItem(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('sku') sku: string,
  ): Promise<CartView> {
    return this.carts.removeItem(id, checkedSku(sku));
  }

  @Get(':id/shipping-quote')
  @ApiOperation({ summary: 'Asks the shipping service (request/response over RabbitMQ)' })
  @ApiQuery({ name: 'country', example: 'DE' })
  @ApiOkResponse({ type: ShippingQuoteView })
  @ApiGatewayTimeoutResponse({ description: 'Shipping did not answer in time' })
  async quote(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('country') country?: string,
  ): Promise<ShippingQuoteView> {
    if (!country || !/^[A-Za-z]{2}$/.test(country)) {
      throw new BadRequestException('country must be a two-letter country code, e.g. DE');
    }
    const cart = await this.carts.get(id);
    if (cart.itemCount === 0) throw new EmptyCartError(id);
    return this.checkouts.quote(country, cart.itemCount);
  }

  @Post(':id/checkout')
  @UseGuards(ThrottlerGuard)
  @UseInterceptors(CheckoutAdmission)
  @HttpCode(202)
  @ApiOperation({
    summary: 'Check out: publishes cart.checked-out; the order is created asynchronously',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: 'Repeat it to retry safely' })
  @ApiAcceptedResponse({ type: CheckoutAcceptedView })
  @ApiBadRequestResponse({ description: 'Invalid body or no Idempotency-Key' })
  @ApiConflictResponse({ description: 'The cart is empty, checked out or abandoned' })
  @ApiUnprocessableEntityResponse({ description: 'Undeliverable country, or a reused key' })
  @ApiGatewayTimeoutResponse({ description: 'Shipping did not answer the quote' })
  @ApiTooManyRequestsResponse({
    description: 'Too many checkouts from this client; see Retry-After',
  })
  @ApiServiceUnavailableResponse({
    description: 'As many checkouts in progress as the service takes at once; see Retry-After',
  })
  checkout(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() body: CheckoutDto,
  ): Promise<CheckoutAcceptedView> {
    if (!idempotencyKey || idempotencyKey.length > 200) {
      throw new BadRequestException('The Idempotency-Key header is required (1 to 200 characters)');
    }
    return this.checkouts.checkout(id, idempotencyKey, body);
  }
}

function checkedSku(sku: string): string {
  if (!SKU.test(sku)) throw new BadRequestException(`"${sku}" is not a product code`);
  return sku;
}
