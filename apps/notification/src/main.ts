import 'reflect-metadata';
import { bootstrapService } from '@shopbus/platform';
import { NotificationModule } from './app.module';
import { loadNotificationConfig } from './config';

const config = loadNotificationConfig();
void bootstrapService(NotificationModule.forRoot(config), config, {
  title: 'shopbus notification',
  description:
    'Notifications for the events a customer should hear about (routed to channel queues by a ' +
    'headers exchange) and the audit log of every event (from a fanout exchange).',
});
