import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { OrderView } from './order.view';
import { OrdersService } from './orders.service';

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get(':id')
  @ApiOperation({ summary: 'The order, its fulfilment status and its history' })
  @ApiOkResponse({ type: OrderView })
  @ApiNotFoundResponse({ description: 'No such order (yet: it appears just after the checkout)' })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<OrderView> {
    return this.orders.get(id);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Cancel before dispatch: the order is `cancelling` until shipping confirms (then `cancelled`, ' +
      'order.cancelled published), or goes on to `shipped` if the parcel left first',
  })
  @ApiAcceptedResponse({ type: OrderView })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Already dispatched, delivered or cancelled' })
  // Asking again while it is being cancelled changes nothing and answers the same.
  cancel(@Param('id', new ParseUUIDPipe()) id: string): Promise<OrderView> {
    return this.orders.cancel(id);
  }
}
