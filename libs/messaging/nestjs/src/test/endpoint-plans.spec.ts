import {
  byCorrelationId,
  defineCommand,
  defineEndpoint,
  defineEvent,
} from '@shopbus/messaging-core';
import { z } from 'zod';
import { EndpointPlans } from '../lib/endpoint-plans';

const Placed = defineEvent('test.placed', z.object({}));
const Paid = defineEvent('test.paid', z.object({}));
const Ship = defineCommand('test.ship', z.object({}));
const handle = async () => undefined;

describe('grouping handlers into endpoints', () => {
  const plans = () => new EndpointPlans({ serviceName: 'shop', defaultPrefetch: 8 });

  it('gives handlers of one endpoint value one queue with the endpoint’s settings', () => {
    const fulfilment = defineEndpoint({
      queue: 'shop.fulfilment',
      prefetch: 32,
      partitionBy: byCorrelationId,
      idempotent: true,
      recoverability: { immediateAttempts: 5 },
      bindings: [{ exchange: 'events', pattern: 'test.#' }],
    });
    const grouped = plans();
    grouped.add(Placed, handle, fulfilment);
    grouped.add(Paid, handle, fulfilment);
    grouped.add(undefined, handle, fulfilment);

    const [endpoint] = grouped.endpoints;
    expect(grouped.endpoints).toHaveLength(1);
    expect(endpoint).toMatchObject({
      queue: 'shop.fulfilment',
      prefetch: 32,
      partitionBy: byCorrelationId,
      idempotent: true,
      recoverability: { immediateAttempts: 5 },
      bindings: [{ exchange: 'events', pattern: 'test.#' }],
    });
    expect(endpoint.handlers.map(({ contract }) => contract.type)).toEqual([
      'test.placed',
      'test.paid',
    ]);
    expect(endpoint.fallback).toBe(handle);
  });

  it('gives a handler without a queue its own, <service>.<type>, with the default prefetch', () => {
    const grouped = plans();
    grouped.add(Ship, handle, {});
    expect(grouped.endpoints).toMatchObject([{ queue: 'shop.test.ship', prefetch: 8 }]);
  });

  it('refuses handlers of one queue that declare different settings, naming the queue and the setting', () => {
    const grouped = plans();
    grouped.add(Placed, handle, { queue: 'shop.q', prefetch: 4 });
    expect(() => grouped.add(Paid, handle, { queue: 'shop.q', prefetch: 16 })).toThrow(
      'Queue "shop.q": its handlers declare different prefetch settings; declare the endpoint once (defineEndpoint)',
    );
    expect(() => grouped.add(Paid, handle, { queue: 'shop.q', idempotent: true })).not.toThrow();
    expect(() => grouped.add(Ship, handle, { queue: 'shop.q', idempotent: false })).toThrow(
      /different idempotent settings/,
    );
  });

  it('refuses two handlers of one type, or two fallbacks, on one queue', () => {
    const grouped = plans();
    grouped.add(Placed, handle, { queue: 'shop.q' });
    expect(() => grouped.add(Placed, handle, { queue: 'shop.q' })).toThrow(
      'Two handlers for "test.placed" on queue "shop.q"',
    );
    grouped.add(undefined, handle, { queue: 'shop.q' });
    expect(() => grouped.add(undefined, handle, { queue: 'shop.q' })).toThrow(
      'Two fallback handlers for queue "shop.q"',
    );
  });

  it('refuses an endpoint definition with a prefetch that is not a positive integer', () => {
    expect(() => defineEndpoint({ queue: 'shop.q', prefetch: 0 })).toThrow(
      'Endpoint "shop.q": prefetch must be an integer >= 1, got 0',
    );
  });
});
