import { Module, type DynamicModule } from '@nestjs/common';
import { serviceInfrastructure, type ServiceTuning } from '@shopbus/platform';
import type { NotificationConfig } from './config';
import { AuditController } from './audit/audit.controller';
import { CustomerKeys } from './audit/customer-keys';
import { ForgetCustomerController } from './audit/forget-customer.controller';
import { JourneyStepMetrics } from './audit/journey-steps';
import { RecordAuditEntry } from './audit/record-audit-entry.handler';
import { NotifyCustomer } from './notifications/notify-customer.handler';
import { PageOnUrgentNotification } from './notifications/page-on-urgent-notification.handler';
import { SendEmail } from './notifications/send-email.handler';
import { NotificationsController } from './notifications/notifications.controller';
import { NotificationPrisma } from './notification-prisma.service';
import { notificationOutgoing } from './notification.endpoints';

@Module({})
export class NotificationModule {
  static forRoot(config: NotificationConfig, tuning: ServiceTuning = {}): DynamicModule {
    const prisma = new NotificationPrisma(config.databaseUrl);
    return {
      module: NotificationModule,
      imports: serviceInfrastructure(
        config,
        {
          database: { ping: () => prisma.$queryRaw`SELECT 1`, transactions: prisma.sql },
          outgoing: notificationOutgoing,
        },
        tuning,
      ),
      controllers: [NotificationsController, AuditController, ForgetCustomerController],
      providers: [
        { provide: NotificationPrisma, useValue: prisma },
        // Customers' audit keys, wrapped by the message key ring where the service has one.
        { provide: CustomerKeys, useValue: new CustomerKeys(prisma, config.messageKeyRing) },
        NotifyCustomer,
        SendEmail,
        PageOnUrgentNotification,
        RecordAuditEntry,
        JourneyStepMetrics,
      ],
      exports: [NotificationPrisma],
    };
  }
}
