import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { OperatorRoute } from '@shopbus/platform';
import { NotificationPrisma } from '../notification-prisma.service';

export class AuditEntryView {
  @ApiProperty() messageId!: string;
  @ApiProperty() messageType!: string;
  @ApiProperty({ description: 'The service that published it' }) source!: string;
  @ApiProperty() sentAt!: string;
  @ApiProperty() correlationId!: string;
  @ApiPropertyOptional({ description: 'The message whose handler published it' })
  causationId?: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) payload!: unknown;
}

/** Every event of a flow, personal data included: for operators only. */
@ApiTags('audit')
@OperatorRoute('read')
@Controller('audit')
export class AuditController {
  constructor(private readonly prisma: NotificationPrisma) {}

  @Get()
  @ApiOperation({
    summary: "One flow's journey across the services: an order's id is its correlation id",
  })
  @ApiQuery({ name: 'correlationId', required: true })
  @ApiOkResponse({ type: [AuditEntryView] })
  async journey(@Query('correlationId') correlationId?: string): Promise<AuditEntryView[]> {
    if (!correlationId || correlationId.length > 200) {
      throw new BadRequestException('correlationId is required');
    }
    const rows = await this.prisma.auditEntry.findMany({
      where: { correlationId },
      orderBy: [{ sentAt: 'asc' }, { sequence: 'asc' }],
    });
    return rows.map((row) => ({
      messageId: row.messageId,
      messageType: row.messageType,
      source: row.source,
      sentAt: row.sentAt.toISOString(),
      correlationId: row.correlationId,
      causationId: row.causationId ?? undefined,
      payload: row.payload,
    }));
  }
}
