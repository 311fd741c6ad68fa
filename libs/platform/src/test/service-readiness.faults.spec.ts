import request from 'supertest';
import { brokerControl, until } from '@shopbus/testing';
import type { ServiceConfig } from '../lib/config/service-config';
import type { ServiceUnderTest } from '../testing/service-under-test';
import { prometheusSamples, sampleTotal } from '../testing/prometheus-samples';
import { asOperator } from '../testing/test-operators';
import { startOperatedService } from './operated-service/start-operated-service';

/** Raises the broker's memory alarm for the whole node: runs in the test-faults target, alone. */
describe('a service’s readiness while the broker blocks publishing', () => {
  let service: ServiceUnderTest<ServiceConfig>;
  afterEach(() => service?.close());

  it('is not ready while the broker blocks publishing, and says why; live all the same', async () => {
    service = await startOperatedService();
    const api = {
      get: (url: string) =>
        request(service.http as never)
          .get(url)
          .set('Authorization', asOperator()),
      post: (url: string) => request(service.http as never).post(url),
    };
    await brokerControl.raiseMemoryAlarm();
    try {
      // The broker blocks a connection once it publishes: the relay does, with the announcement.
      await api.post('/announce').expect(201);
      await until(
        async () => (await api.get('/health/ready')).status === 503,
        'readiness failing during the alarm',
      );
      const health = await api.get('/health/ready');
      expect(health.body.error.broker.message).toMatch(/RabbitMQ blocks publishing: .*memory/i);
      await api.get('/health/live').expect(200);
      const { text } = await api.get('/metrics').expect(200);
      expect(sampleTotal(prometheusSamples(text), 'shopbus_broker_blocked')).toBe(1);
    } finally {
      await brokerControl.clearMemoryAlarm();
    }
    await until(async () => (await api.get('/health/ready')).status === 200, 'ready again');
  });
});
