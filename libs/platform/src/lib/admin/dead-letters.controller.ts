import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { IsArray, IsOptional, IsString } from 'class-validator';
import { MessageBus, type DeadLetterListing, type ReplayResult } from '@shopbus/messaging-core';
import { queryLimit } from '../http/query-limit';
import { OperatorRoute, OperatorWriteRoute } from '../operators/operator-route.decorator';

export class ReplayDto {
  @ApiPropertyOptional({ type: [String], description: 'Only these message ids; omitted, all' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  messageIds?: string[];
}

class DeadLetteredMessageView {
  @ApiPropertyOptional() messageId?: string;
  @ApiPropertyOptional() messageType?: string;
  @ApiProperty() reason!: string;
  @ApiPropertyOptional() attempts?: number;
  @ApiProperty() replayCount!: number;
  @ApiProperty() body!: string;
}

class DeadLetterListingView {
  @ApiProperty() total!: number;
  @ApiProperty({ type: [DeadLetteredMessageView] }) messages!: DeadLetteredMessageView[];
}

/**
 * The service's dead-letter queues, for operators: list (nothing is removed), replay (all or
 * some, attempts reset), purge. Only this service's own endpoints can be named.
 * The same operations as the `dlq` command, over the service's own broker connection.
 */
@ApiTags('admin')
@OperatorRoute('read')
@Controller('admin/dead-letters')
export class DeadLettersController {
  constructor(private readonly bus: MessageBus) {}

  @Get(':queue')
  @ApiOperation({ summary: 'The messages in <queue>.dlq with why they failed; nothing is removed' })
  @ApiOkResponse({ type: DeadLetterListingView })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 500; default 20' })
  list(@Param('queue') queue: string, @Query('limit') limit?: string): Promise<DeadLetterListing> {
    return this.queues(queue).list(queue, { limit: queryLimit(limit, 20) });
  }

  @Post(':queue/replay')
  @OperatorWriteRoute()
  @HttpCode(200)
  @ApiOperation({ summary: 'Back to <queue>, attempts reset, replay-count added' })
  replay(@Param('queue') queue: string, @Body() body: ReplayDto): Promise<ReplayResult> {
    return this.queues(queue).replay(queue, { messageIds: body.messageIds });
  }

  @Delete(':queue')
  @OperatorWriteRoute()
  @ApiOperation({ summary: 'Delete every message in <queue>.dlq' })
  async purge(@Param('queue') queue: string): Promise<{ purged: number }> {
    return { purged: await this.queues(queue).purge(queue) };
  }

  /**
   * Only the endpoints this service consumes have a dead-letter queue here: any other name (a
   * retry queue, another service's queue, a typo) is a 404 that lists the ones there are.
   */
  private queues(queue: string) {
    const { endpoints } = this.bus.transport.status();
    if (!endpoints.includes(queue)) {
      throw new NotFoundException(
        `${queue} is not one of ${this.bus.source}'s endpoints (${endpoints.join(', ')})`,
      );
    }
    return this.bus.transport.deadLetterQueues();
  }
}
