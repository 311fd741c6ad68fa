import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IsArray, IsOptional, IsUUID } from 'class-validator';
import { OutboxRelay, type FailedOutboxRow } from '@shopbus/messaging-outbox';
import { queryLimit } from '../http/query-limit';
import { OperatorRoute, OperatorWriteRoute } from '../operators/operator-route.decorator';

export class RetryFailedRowsDto {
  @ApiPropertyOptional({ type: [String], description: 'Only these message ids; omitted, all' })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true })
  messageIds?: string[];
}

class FailedOutboxRowView implements FailedOutboxRow {
  @ApiProperty() messageId!: string;
  @ApiProperty() messageType!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ description: 'Why its last attempt failed' }) lastError!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() failedAt!: string;
}

/**
 * The service's outbox rows that the relay gave up on (after its attempts, e.g. a message the
 * broker could not route), for operators: list them with why, and put them back to be published
 * once the cause is fixed. The twin of the dead-letter routes, on the sending side.
 */
@ApiTags('admin')
@OperatorRoute('read')
@Controller('admin/outbox/failed')
export class FailedOutboxRowsController {
  constructor(private readonly relay: OutboxRelay) {}

  @Get()
  @ApiOperation({ summary: 'Outbox rows the relay gave up on, oldest first, with the last error' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 500; default 50' })
  list(@Query('limit') limit?: string): Promise<FailedOutboxRowView[]> {
    return this.relay.failedRows(queryLimit(limit, 50));
  }

  @Post('retry')
  @OperatorWriteRoute()
  @HttpCode(200)
  @ApiOperation({ summary: 'Back to pending (all, or these ids), attempts reset' })
  async retry(@Body() body: RetryFailedRowsDto): Promise<{ retried: number }> {
    return { retried: await this.relay.retryFailed(body.messageIds) };
  }
}
