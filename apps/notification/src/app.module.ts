import { Module, type DynamicModule } from '@nestjs/common';
import { serviceInfrastructure, type ServiceTuning } from '@shopbus/platform';
import type { NotificationConfig } from './config';
import { shopExchanges } from '@shopbus/contracts';
import { AuditController } from './audit/audit.controller';
import { AuditLogHandler } from './audit/audit-log.handler';
import { ChannelWorkersHandler } from './notifications/channel-workers.handler';
import { CustomerEventsHandler } from './notifications/customer-events.handler';
import { NotificationsController } from './notifications/notifications.controller';
import { NotificationPrisma } from './notification-prisma.service';
import { SHOP_EXCHANGES } from './notification.tokens';

@Module({})
export class NotificationModule {
  static forRoot(config: NotificationConfig, tuning: ServiceTuning = {}): DynamicModule {
    const prisma = new NotificationPrisma(config.databaseUrl);
    return {
      module: NotificationModule,
      imports: serviceInfrastructure(config, () => prisma.$queryRaw`SELECT 1`, tuning),
      controllers: [NotificationsController, AuditController],
      providers: [
        { provide: SHOP_EXCHANGES, useValue: shopExchanges(config.exchangePrefix) },
        { provide: NotificationPrisma, useValue: prisma },
        CustomerEventsHandler,
        ChannelWorkersHandler,
        AuditLogHandler,
      ],
      exports: [NotificationPrisma],
    };
  }
}
