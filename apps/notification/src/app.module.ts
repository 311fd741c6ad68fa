import { Module, type DynamicModule } from '@nestjs/common';
import {
  serviceLogger,
  ServiceHealthModule,
  shopMessaging,
  ShopOutboxModule,
  type ShopMessagingOptions,
  type ShopOutboxOptions,
} from '@shopbus/platform';
import type { NotificationConfig } from './config';
import { shopExchanges } from '@shopbus/contracts';
import { AuditController } from './audit/audit.controller';
import { AuditLogHandler } from './audit/audit-log.handler';
import { ChannelWorkersHandler } from './notifications/channel-workers.handler';
import { CustomerEventsHandler } from './notifications/customer-events.handler';
import { NotificationsController } from './notifications/notifications.controller';
import { NotificationPrisma } from './notification-prisma.service';
import { SHOP_EXCHANGES } from './notification.tokens';

/** Tuning the tests apply: faster redelivery and polling. */
export interface NotificationTuning {
  messaging?: ShopMessagingOptions;
  relay?: ShopOutboxOptions['relay'];
}

@Module({})
export class NotificationModule {
  static forRoot(config: NotificationConfig, tuning: NotificationTuning = {}): DynamicModule {
    const prisma = new NotificationPrisma(config.databaseUrl);
    return {
      module: NotificationModule,
      imports: [
        serviceLogger(config),
        shopMessaging(config, tuning.messaging),
        ShopOutboxModule.forRoot({
          databaseUrl: config.databaseUrl,
          serviceName: config.serviceName,
          relay: { pollIntervalMs: config.outboxPollIntervalMs, ...tuning.relay },
        }),
        ServiceHealthModule.forRoot(() => prisma.$queryRaw`SELECT 1`),
      ],
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
