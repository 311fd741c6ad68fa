import 'reflect-metadata';
import { bootstrapService } from '@shopbus/platform';
import { OrderModule } from './app.module';
import { loadOrderConfig } from './config';

const config = loadOrderConfig();
void bootstrapService(OrderModule.forRoot(config), config, {
  title: 'shopbus order',
  description:
    'Orders and their fulfilment saga: created from cart.checked-out, shipped through ' +
    'create-shipment, compensated on a deadline, a failed shipment or a cancellation.',
});
