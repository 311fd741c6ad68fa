import { BrokerAddresses } from '../lib/connection/broker-addresses';

describe('a cluster’s broker addresses', () => {
  const nodes = [
    'amqp://svc:pw@n1:5672/shop',
    'amqp://svc:pw@n2:5673/shop',
    'amqp://svc:pw@n3/shop',
  ];

  it('starts on the first and moves round-robin, the object amqplib reads updated in place', () => {
    const addresses = new BrokerAddresses(nodes, 10, 'in-order');
    const target = addresses.target;
    expect(target).toEqual({
      protocol: 'amqp',
      hostname: 'n1',
      port: 5672,
      username: 'svc',
      password: 'pw',
      vhost: 'shop',
      heartbeat: 10,
    });
    addresses.advance();
    expect(addresses.target).toBe(target);
    expect(addresses.current).toBe('n2:5673');
    addresses.advance();
    expect(addresses.current).toBe('n3:5672');
    addresses.advance();
    expect(addresses.current).toBe('n1:5672');
  });

  it('keeps one address where it is, and takes an explicit heartbeat and an escaped vhost from the URL', () => {
    const addresses = new BrokerAddresses(
      'amqps://a%40b:p%3Aw@host/%2F?heartbeat=5',
      10,
      'in-order',
    );
    addresses.advance();
    expect(addresses.target).toMatchObject({
      protocol: 'amqps',
      hostname: 'host',
      port: 5671,
      username: 'a@b',
      password: 'p:w',
      vhost: '%2F',
      heartbeat: 5,
    });
  });

  it('shuffled, it still holds every node once', () => {
    const addresses = new BrokerAddresses(nodes, 10, 'shuffled');
    expect([...addresses.urls].sort()).toEqual([...nodes].sort());
  });

  it.each([
    [[], 'at least one broker URL'],
    [['amqp://a:x@n1', 'amqp://b:x@n2'], 'every address must use one user and protocol'],
    [['amqp://a:x@n1', 'amqps://a:x@n2'], 'every address must use one user and protocol'],
    [['http://n1'], 'must be amqp:// or amqps://'],
  ])('refuses %j: %s', (urls, message) => {
    expect(() => new BrokerAddresses(urls, 10, 'in-order')).toThrow(message);
  });
});
