import request from 'supertest';
import { MessagingHarness } from '@shopbus/messaging-in-memory';
import type { ServiceConfig } from '../lib/config/service-config';
import type { ServiceOnHarness } from '../testing/service-on-harness';
import { startOperatedServiceOnHarness } from './operated-service/start-operated-service';

/** What every service's HTTP side does before a route runs: headers, body limits. */
describe('a service’s HTTP hardening', () => {
  let harness: MessagingHarness;
  let service: ServiceOnHarness<ServiceConfig>;
  beforeAll(async () => {
    harness = await MessagingHarness.start();
    service = await startOperatedServiceOnHarness(harness);
  });
  afterAll(async () => {
    await service?.close();
    await harness?.close();
  });

  it('sets the security headers users expect and does not say what it runs on', async () => {
    const { headers } = await request(service.http as never)
      .post('/announce')
      .expect(201);
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': expect.stringMatching(/max-age=\d+/),
    });
    expect(headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(headers['x-powered-by']).toBeUndefined();
  });

  it('refuses a body over 64 kB with a 413 saying so, and writes nothing', async () => {
    const rows = () => service.database.query('SELECT 1 FROM outbox_message');
    const before = (await rows()).length;
    const huge = { filler: 'x'.repeat(70 * 1024) };
    const answer = await request(service.http as never)
      .post('/announce')
      .send(huge)
      .expect(413);
    expect(answer.body).toMatchObject({
      statusCode: 413,
      message: expect.stringMatching(/too large/i),
    });
    await harness.whenQuiet();
    expect(await rows()).toHaveLength(before);
  });
});
