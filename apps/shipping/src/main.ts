import 'reflect-metadata';
import { bootstrapService } from '@shopbus/platform';
import { ShippingModule } from './app.module';
import { loadShippingConfig } from './config';

const config = loadShippingConfig();
void bootstrapService(ShippingModule.forRoot(config), config, {
  title: 'shopbus shipping',
  description:
    'Quotes (request/response), shipments created by command, dispatch and delivery. ' +
    'Publishes shipment.* events; never called by the other services over HTTP.',
});
