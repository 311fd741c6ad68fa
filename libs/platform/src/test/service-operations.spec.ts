import request from 'supertest';
import { connect } from 'amqplib';
import { until } from '@shopbus/testing';
import type { ServiceConfig } from '../lib/config/service-config';
import { prometheusSamples } from '../testing/prometheus-samples';
import { ShopTestClient } from '../testing/shop-test-client';
import { asOperator } from '../testing/test-operators';
import type { ServiceUnderTest } from '../testing/service-under-test';
import { workEndpoint } from './operated-service/operated-service.module';
import { startOperatedService } from './operated-service/start-operated-service';

/** Requests carrying the test's writing operator's token. */
function operatorApi(http: unknown) {
  const api = request(http as never);
  const as = (call: request.Test) => call.set('Authorization', asOperator('write'));
  return {
    get: (url: string) => as(api.get(url)),
    post: (url: string) => as(api.post(url)),
    delete: (url: string) => as(api.delete(url)),
  };
}

/** What every service gets from the platform for its operators: admin, metrics and health routes. */
describe('a service’s operator routes', () => {
  /** One service for the tests that leave it as they found it; the relay's test has its own. */
  let service: ServiceUnderTest<ServiceConfig>;
  let api: ReturnType<typeof operatorApi>;
  beforeAll(async () => {
    service = await startOperatedService();
    api = operatorApi(service.http);
  });
  afterAll(() => service?.close());

  it('lets an operator list, replay and purge its dead letters over HTTP, and only its own', async () => {
    // A broken client's command: it fails its schema and is dead-lettered at once.
    const connection = await connect(service.vhost.url);
    const channel = await connection.createConfirmChannel();
    channel.sendToQueue(workEndpoint.queue, Buffer.from('{"jobId":"nope"}'), {
      messageId: 'broken-1',
      type: 'operated.do-work',
    });
    await channel.waitForConfirms();
    await connection.close();
    const route = `/admin/dead-letters/${workEndpoint.queue}`;
    const listed = async () => (await api.get(route).expect(200)).body;
    await until(async () => (await listed()).total === 1, 'the command dead-lettered');

    expect((await listed()).messages[0]).toMatchObject({
      messageId: 'broken-1',
      errorType: 'MessageValidationError',
      replayCount: 0,
    });
    const replay = await api
      .post(`${route}/replay`)
      .send({ messageIds: ['broken-1'] })
      .expect(200);
    expect(replay.body.replayed).toEqual(['broken-1']);
    // Still broken: it comes back, its replay counted.
    await until(
      async () => (await listed()).messages[0]?.replayCount === 1,
      'the replayed command back',
    );
    expect((await api.delete(route).expect(200)).body).toEqual({ purged: 1 });
    await api.get('/admin/dead-letters/order.fulfilment').expect(404);
  });

  it('exposes Prometheus metrics with the outbox backlog and each endpoint’s consumer', async () => {
    const { text } = await api.get('/metrics').expect(200);
    const samples = prometheusSamples(text);
    const value = (name: string, labels: Record<string, string> = {}) =>
      samples.find(
        (sample) =>
          sample.name === name &&
          Object.entries(labels).every(([label, v]) => sample.labels[label] === v),
      )?.value;
    expect(value('shopbus_outbox_pending_messages')).toBe(0);
    expect(value('shopbus_broker_connected')).toBe(1);
    expect(value('shopbus_broker_blocked')).toBe(0);
    expect(value('shopbus_endpoint_consuming', { queue: workEndpoint.queue })).toBe(1);
    expect(value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('is ready when its database, broker, every consumer and the outbox relay are (/health/ready, /health), and live regardless', async () => {
    for (const path of ['/health/ready', '/health']) {
      const health = await api.get(path).expect(200);
      expect(health.body).toMatchObject({
        status: 'ok',
        info: {
          database: { status: 'up' },
          broker: { status: 'up' },
          consumers: { status: 'up', endpoints: 1, idle: [] },
          outbox: { status: 'up', failed: 0, oldestPendingAgeMs: 0 },
        },
      });
    }
    expect((await api.get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
  });

  it('answers 503 with Retry-After while its database is away, is not ready but live, and recovers by itself', async () => {
    const announce = () => api.post('/announce');
    await service.database.refuseConnections();
    try {
      const refused = await announce();
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('2');
      expect(refused.body.message).toMatch(/the database is unavailable; try again in 2 s/);
      const health = await api.get('/health/ready').expect(503);
      expect(health.body.error.database.status).toBe('down');
      await api.get('/health/live').expect(200);
    } finally {
      await service.database.acceptConnections();
    }
    await until(async () => (await api.get('/health/ready')).status === 200, 'ready again');
    await announce().expect(201);
  });

  it('lets an operator see the outbox rows the relay gave up on, with why, and retry them once the cause is fixed', async () => {
    const own = await startOperatedService({ maxAttempts: 1 });
    const api = operatorApi(own.http);
    let client: ShopTestClient | undefined;
    try {
      // Nobody listens to the service's events: its announcement cannot be routed.
      const { jobId } = (await api.post('/announce').expect(201)).body;

      let failed: { messageType: string; lastError: string; messageId: string }[] = [];
      await until(
        async () => (failed = (await api.get('/admin/outbox/failed')).body).length === 1,
        'the row given up',
      );
      expect(failed[0]).toMatchObject({ messageType: 'operated.work-announced', attempts: 1 });
      expect(failed[0].lastError).toMatch(/not routed to any queue/);
      await api.get('/admin/outbox/failed?limit=0').expect(400);
      await api
        .post('/admin/outbox/failed/retry')
        .send({ messageIds: ['x'] })
        .expect(400);

      client = await ShopTestClient.start(own.vhost);
      expect(
        (await api.post('/admin/outbox/failed/retry').send({ messageIds: [failed[0].messageId] }))
          .body,
      ).toEqual({ retried: 1 });
      await client.event('operated.work-announced', (e: { jobId?: string }) => e.jobId === jobId);
      expect((await api.get('/admin/outbox/failed')).body).toEqual([]);
    } finally {
      await client?.close();
      await own.close();
    }
  });

  it('asks who is calling: 401 without a token or with an unknown one, 403 for a read-only operator who would change something', async () => {
    const anonymous = request(service.http as never);
    const route = `/admin/dead-letters/${workEndpoint.queue}`;
    for (const [method, url] of [
      ['get', route],
      ['post', `${route}/replay`],
      ['delete', route],
      ['get', '/admin/outbox/failed'],
      ['post', '/admin/outbox/failed/retry'],
      ['get', '/metrics'],
      ['get', '/health/ready'],
      ['get', '/health/live'],
    ] as const) {
      const refused = await anonymous[method](url).expect(401);
      expect(refused.body.message).toMatch(/operator route: send Authorization: Bearer <token>/);
      await anonymous[method](url)
        .set('Authorization', 'Bearer not-a-known-token-at-all-0000')
        .expect(401);
      await anonymous[method](url).set('Authorization', 'Basic dGVzdDp0ZXN0').expect(401);
    }
    const reader = (call: request.Test) => call.set('Authorization', asOperator('read'));
    await reader(anonymous.get(route)).expect(200);
    await reader(anonymous.get('/metrics')).expect(200);
    const forbidden = await reader(anonymous.delete(route)).expect(403);
    expect(forbidden.body.message).toBe('watcher may read here, not change anything');
    await reader(anonymous.post(`${route}/replay`).send({})).expect(403);
    await reader(anonymous.post('/admin/outbox/failed/retry').send({})).expect(403);
    // What the refused calls would have changed is unchanged: nothing was purged or replayed.
    expect((await api.get(route).expect(200)).body.total).toBe(0);
  });

  it('opens /health and /metrics to anyone only when PUBLIC_ROUTES says so, and the admin routes never', async () => {
    const open = await startOperatedService({}, { PUBLIC_ROUTES: 'health,metrics' });
    try {
      const anonymous = request(open.http as never);
      await anonymous.get('/health/ready').expect(200);
      await anonymous.get('/health/live').expect(200);
      expect((await anonymous.get('/metrics').expect(200)).text).toContain('shopbus_outbox');
      await anonymous.get(`/admin/dead-letters/${workEndpoint.queue}`).expect(401);
      await anonymous.get('/admin/outbox/failed').expect(401);
    } finally {
      await open.close();
    }
  });
});
