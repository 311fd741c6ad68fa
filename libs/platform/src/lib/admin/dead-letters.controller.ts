import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  Query,
  DefaultValuePipe,
} from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsArray, IsOptional, IsString } from 'class-validator';
import { MessageBus } from '@shopbus/messaging-core';
import type {
  DeadLetterListing,
  RabbitMqTransport,
  ReplayResult,
} from '@shopbus/messaging-rabbitmq';

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
 * some, attempts reset), purge. Only this service's own queues (`<service>.…`) can be named.
 * The same operations as the `dlq` command, over the service's own broker connection.
 */
@ApiTags('admin')
@Controller('admin/dead-letters')
export class DeadLettersController {
  constructor(private readonly bus: MessageBus) {}

  @Get(':queue')
  @ApiOperation({ summary: 'The messages in <queue>.dlq with why they failed; nothing is removed' })
  @ApiOkResponse({ type: DeadLetterListingView })
  list(
    @Param('queue') queue: string,
    @Query('limit', new DefaultValuePipe(20), ParseIntPipe) limit: number,
  ): Promise<DeadLetterListing> {
    return this.queues(queue).list(queue, { limit: Math.max(1, Math.min(limit, 500)) });
  }

  @Post(':queue/replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Back to <queue>, attempts reset, replay-count added' })
  replay(@Param('queue') queue: string, @Body() body: ReplayDto): Promise<ReplayResult> {
    return this.queues(queue).replay(queue, { messageIds: body.messageIds });
  }

  @Delete(':queue')
  @ApiOperation({ summary: 'Delete every message in <queue>.dlq' })
  async purge(@Param('queue') queue: string): Promise<{ purged: number }> {
    return { purged: await this.queues(queue).purge(queue) };
  }

  private queues(queue: string) {
    // The bus's source is the service's name, which prefixes every queue it consumes.
    if (!queue.startsWith(`${this.bus.source}.`)) {
      throw new NotFoundException(`${queue} is not one of ${this.bus.source}'s queues`);
    }
    return (this.bus.transport as RabbitMqTransport).deadLetterQueues();
  }
}
