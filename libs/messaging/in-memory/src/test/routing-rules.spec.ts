import { matchesHeaders } from '../lib/routing/headers-match';
import { matchesTopic } from '../lib/routing/topic-pattern';

describe('topic patterns, as RabbitMQ matches them', () => {
  it.each([
    ['order.*', 'order.placed', true],
    ['order.*', 'order.placed.late', false],
    ['order.*', 'order', false],
    ['order.#', 'order', true],
    ['order.#', 'order.placed.late', true],
    ['#', 'anything.at.all', true],
    ['#.late', 'order.placed.late', true],
    ['*.placed', 'cart.placed', true],
    ['order.#.late', 'order.late', true],
    ['order.placed', 'order.placed', true],
    ['order.placed', 'order.placedx', false],
  ])('%s against %s: %s', (pattern, key, expected) => {
    expect(matchesTopic(pattern, key)).toBe(expected);
  });
});

describe('headers bindings', () => {
  const headers = { channel: 'email', priority: 'high', attempt: 2 };
  it('all: every value must be present and equal, of the same type', () => {
    expect(
      matchesHeaders({ match: 'all', values: { channel: 'email', priority: 'high' } }, headers),
    ).toBe(true);
    expect(
      matchesHeaders({ match: 'all', values: { channel: 'email', priority: 'low' } }, headers),
    ).toBe(false);
    expect(matchesHeaders({ match: 'all', values: { attempt: '2' } }, headers)).toBe(false);
  });
  it('any: one equal value is enough', () => {
    expect(
      matchesHeaders({ match: 'any', values: { channel: 'sms', priority: 'high' } }, headers),
    ).toBe(true);
    expect(
      matchesHeaders({ match: 'any', values: { channel: 'sms', region: 'eu' } }, headers),
    ).toBe(false);
  });
});
