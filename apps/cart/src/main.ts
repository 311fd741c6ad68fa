import 'reflect-metadata';
import { bootstrapService } from '@shopbus/platform';
import { CartModule } from './app.module';
import { loadCartConfig } from './config';

const config = loadCartConfig();
void bootstrapService(CartModule.forRoot(config), config, {
  title: 'shopbus cart',
  description:
    'Catalogue, carts and checkout. Asks shipping for quotes over RabbitMQ (request/response) ' +
    'and publishes cart.checked-out and cart.abandoned through its outbox.',
});
