import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { OperatorRoute } from '@shopbus/platform';
import { isEmail } from 'class-validator';
import { NotificationPrisma } from '../notification-prisma.service';

export class NotificationView {
  @ApiProperty({ enum: ['email', 'urgent'] }) channel!: string;
  @ApiProperty({ enum: ['normal', 'high'] }) priority!: string;
  @ApiProperty() subject!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ description: 'The event it tells of' }) cause!: string;
  @ApiPropertyOptional({ format: 'uuid' }) orderId?: string;
  @ApiProperty() correlationId!: string;
  @ApiProperty() deliveredAt!: string;
}

/**
 * The notifications sent to an address (what a mail provider's log would show): subjects and
 * bodies name the customer's orders, so for operators only, as the audit log is.
 */
@ApiTags('notifications')
@OperatorRoute('read')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly prisma: NotificationPrisma) {}

  @Get()
  @ApiQuery({ name: 'email', required: true })
  @ApiOkResponse({ type: [NotificationView] })
  async list(@Query('email') email?: string): Promise<NotificationView[]> {
    if (!email || !isEmail(email)) throw new BadRequestException('email must be an email address');
    const rows = await this.prisma.notification.findMany({
      where: { recipient: email },
      orderBy: { deliveredAt: 'asc' },
    });
    return rows.map((row) => ({
      channel: row.channel,
      priority: row.priority,
      subject: row.subject,
      body: row.body,
      cause: row.cause,
      orderId: row.orderId ?? undefined,
      correlationId: row.correlationId,
      deliveredAt: row.deliveredAt.toISOString(),
    }));
  }
}
