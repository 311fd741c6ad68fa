import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import request from 'supertest';
import { shopExchanges } from '@shopbus/contracts';
import { until } from '@shopbus/testing';
import type { ServiceConfig } from '../lib/config/service-config';
import { startServiceMetrics } from '../lib/metrics/service-metrics';
import type { ServiceUnderTest } from '../testing/service-under-test';
import { asOperator } from '../testing/test-operators';
import { DoWork, workEndpoint } from './operated-service/operated-service.module';
import { startOperatedService } from './operated-service/start-operated-service';
import {
  prometheusSamples,
  sampleTotal,
  type PrometheusSample,
} from '../testing/prometheus-samples';

/**
 * `/metrics` after real deliveries on the real broker: each handled, retried, redelivered and
 * dead-lettered message moves the OpenTelemetry instruments by exactly one, and the relay's
 * publishes are counted with their lag.
 */
describe('a service’s /metrics, from its OpenTelemetry instruments', () => {
  let service: ServiceUnderTest<ServiceConfig>;
  beforeAll(async () => {
    // Three immediate attempts, then one redelivery 50 ms later, then the dead-letter queue.
    service = await startOperatedService({}, { REDELIVERY_DELAYS_MS: '50' });
  });
  afterAll(() => service?.close());

  const scrape = async () => {
    const { text } = await request(service.http as never)
      .get('/metrics')
      .set('Authorization', asOperator('read'))
      .expect(200);
    return prometheusSamples(text);
  };
  const onWork = { messaging_destination_name: workEndpoint.queue };
  const outcomes = (samples: PrometheusSample[]) =>
    Object.fromEntries(
      ['handled', 'retried', 'redelivered', 'dead-lettered', 'failed'].map((outcome) => [
        outcome,
        sampleTotal(samples, 'messaging_process_duration_count', {
          ...onWork,
          shopbus_outcome: outcome,
        }),
      ]),
    );

  it('moves by exactly one handled, one retried and one dead-lettered message', async () => {
    const before = await scrape();
    const connection = await connect(service.vhost.url);
    const channel = await connection.createConfirmChannel();
    for (const fail of [undefined, 'once', 'always']) {
      channel.sendToQueue(
        workEndpoint.queue,
        Buffer.from(JSON.stringify({ jobId: randomUUID(), fail })),
        { messageId: randomUUID(), type: DoWork.type, persistent: true },
      );
    }
    await channel.waitForConfirms();
    await connection.close();
    await until(
      async () => (await scrape()).some((s) => s.labels['shopbus_outcome'] === 'dead-lettered'),
      'the failing job dead-lettered',
    );
    const after = await scrape();

    const [was, is] = [outcomes(before), outcomes(after)];
    expect(Object.fromEntries(Object.entries(is).map(([k, v]) => [k, v - was[k]]))).toEqual({
      handled: 1,
      retried: 1,
      // The always-failing job: its first delivery handed back for a redelivery, the second given up.
      redelivered: 1,
      'dead-lettered': 1,
      failed: 0,
    });
    const consumed = (samples: PrometheusSample[]) =>
      sampleTotal(samples, 'messaging_client_consumed_messages_total', {
        ...onWork,
        shopbus_message_type: DoWork.type,
      });
    expect(consumed(after) - consumed(before)).toBe(4);
    // The histogram's buckets agree with its count: every delivery fell in the +Inf bucket.
    expect(
      sampleTotal(after, 'messaging_process_duration_bucket', { ...onWork, le: '+Inf' }) -
        sampleTotal(before, 'messaging_process_duration_bucket', { ...onWork, le: '+Inf' }),
    ).toBe(4);
  });

  it('counts the relay’s publishes and records each row’s lag', async () => {
    // A subscriber, so that the announcements are routed (an unroutable one is a failed attempt).
    const connection = await connect(service.vhost.url);
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(
      queue,
      shopExchanges(service.config.exchangePrefix).events,
      'operated.work-announced',
    );
    const announced = () =>
      scrape().then((samples) => ({
        sent: sampleTotal(samples, 'messaging_client_sent_messages_total', {
          shopbus_message_type: 'operated.work-announced',
          messaging_operation_name: 'publish',
        }),
        lag: sampleTotal(samples, 'shopbus_outbox_relay_lag_count', {
          shopbus_message_type: 'operated.work-announced',
        }),
      }));
    const before = await announced();
    for (let i = 0; i < 3; i++) {
      await request(service.http as never)
        .post('/announce')
        .expect(201);
    }
    await until(async () => (await announced()).sent === before.sent + 3, 'three relayed');
    expect(await announced()).toEqual({ sent: before.sent + 3, lag: before.lag + 3 });
    await connection.close();
  });

  it('serves what it can read when an instrument cannot be read (the database away), and says why', async () => {
    const metrics = startServiceMetrics('scrape-test');
    metrics.meter.createObservableGauge('test_readable').addCallback((result) => result.observe(7));
    metrics.meter.createObservableGauge('test_unreadable').addCallback(() => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    });
    const text = await metrics.prometheus();
    await metrics.shutdown();

    expect(sampleTotal(prometheusSamples(text), 'test_readable', {})).toBe(7);
    expect(prometheusSamples(text).some((sample) => sample.name === 'test_unreadable')).toBe(false);
    expect(text).toMatch(/^# not collected: .*ECONNREFUSED/m);
  });
});
