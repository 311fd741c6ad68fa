import {
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { ShipmentView } from './shipment.view';
import { ShipmentsService } from './shipments.service';

@ApiTags('shipments')
@Controller('shipments')
export class ShipmentsController {
  constructor(private readonly shipments: ShipmentsService) {}

  @Get()
  @ApiOperation({ summary: 'The shipment of an order' })
  @ApiQuery({ name: 'orderId', format: 'uuid' })
  @ApiOkResponse({ type: ShipmentView })
  @ApiNotFoundResponse({ description: 'The order has no shipment (yet)' })
  async byOrder(@Query('orderId', new ParseUUIDPipe()) orderId: string): Promise<ShipmentView> {
    const shipment = await this.shipments.findByOrder(orderId);
    if (!shipment) throw new NotFoundException(`Order ${orderId} has no shipment`);
    return ShipmentView.of(shipment);
  }

  @Get(':id')
  @ApiOkResponse({ type: ShipmentView })
  @ApiNotFoundResponse()
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<ShipmentView> {
    return this.shipments.get(id).then(ShipmentView.of);
  }

  @Post(':id/dispatch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Hand the shipment to the carrier: publishes shipment.dispatched' })
  @ApiOkResponse({ type: ShipmentView })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Not in the created state (cancelled, dispatched, …)' })
  dispatch(@Param('id', new ParseUUIDPipe()) id: string): Promise<ShipmentView> {
    return this.shipments.dispatch(id).then(() => this.get(id));
  }

  @Post(':id/deliver')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the delivery: publishes shipment.delivered' })
  @ApiOkResponse({ type: ShipmentView })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Not dispatched' })
  deliver(@Param('id', new ParseUUIDPipe()) id: string): Promise<ShipmentView> {
    return this.shipments.deliver(id).then(() => this.get(id));
  }
}
