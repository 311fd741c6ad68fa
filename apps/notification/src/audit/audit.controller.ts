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
import { CustomerKeys } from './customer-keys';
import { openPayload } from './sealed-payload';

export class AuditEntryView {
  @ApiProperty() messageId!: string;
  @ApiProperty() messageType!: string;
  @ApiProperty({ description: 'The service that published it' }) source!: string;
  @ApiProperty() sentAt!: string;
  @ApiProperty() correlationId!: string;
  @ApiPropertyOptional({ description: 'The message whose handler published it' })
  causationId?: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Null once its customer was forgotten',
  })
  payload!: unknown;
  @ApiPropertyOptional({
    description: 'True where the customer was forgotten: the payload is gone',
  })
  forgotten?: boolean;
}

/**
 * Every event of a flow, personal data included: for operators only. Sealed payloads are opened
 * with their customer's key; a forgotten customer's show their envelope only.
 */
@ApiTags('audit')
@OperatorRoute('read')
@Controller('audit')
export class AuditController {
  constructor(
    private readonly prisma: NotificationPrisma,
    private readonly customerKeys: CustomerKeys,
  ) {}

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
    const keys = await this.customerKeys.existing(
      rows.flatMap((row) => (row.customerRef ? [row.customerRef] : [])),
    );
    return rows.map((row) => {
      const { sealedPayload, customerRef, customerKeyId } = row;
      // The customer's key of today: absent once forgotten, another once seen again since.
      const key = customerRef ? keys.get(customerRef) : undefined;
      const view = {
        messageId: row.messageId,
        messageType: row.messageType,
        source: row.source,
        sentAt: row.sentAt.toISOString(),
        correlationId: row.correlationId,
        causationId: row.causationId ?? undefined,
      };
      if (sealedPayload === null) return { ...view, payload: row.payload };
      if (key && customerKeyId && key.activeKeyId === customerKeyId) {
        return { ...view, payload: openPayload(sealedPayload, key, customerKeyId, row.messageId) };
      }
      return { ...view, payload: null, forgotten: true };
    });
  }
}
