import { databaseUnavailableReason } from '../lib/http/database-unavailable.filter';

describe('which database errors are a 503 (try again) rather than a 500', () => {
  it.each([
    [
      'a transaction that could not start in time (every connection busy)',
      { code: 'P2028' },
      'busy',
    ],
    [
      'the same, as the interactive transaction words it',
      { message: 'Transaction API error: Unable to start a transaction in the given time.' },
      'busy',
    ],
    ['the server unreachable', { code: 'P1001' }, 'unavailable'],
    [
      'the driver adapter: connection closed',
      { name: 'DriverAdapterError', cause: { kind: 'ConnectionClosed' } },
      'unavailable',
    ],
    [
      'the driver adapter: an admin shutdown (57P01)',
      { cause: { kind: 'postgres', code: '57P01' } },
      'unavailable',
    ],
    [
      'the driver adapter: too many clients (53300)',
      { cause: { kind: 'postgres', code: '53300' } },
      'unavailable',
    ],
    ['the pool timing out', { message: 'timeout exceeded when trying to connect' }, 'unavailable'],
    [
      'pg itself (a plain-SQL path): an admin shutdown (57P01)',
      { code: '57P01', message: 'terminating connection due to administrator command' },
      'unavailable',
    ],
  ])('%s', (_, error, expected) => {
    expect(databaseUnavailableReason(error)).toMatch(expected);
  });

  it.each([
    ['a unique constraint violation', { code: 'P2002' }],
    ['a check violation (23514)', { cause: { kind: 'postgres', code: '23514' } }],
    ['pg itself: a unique violation (23505)', { code: '23505' }],
    [
      'a programming error',
      new TypeError("Cannot read properties of undefined (reading 'country')"),
    ],
    ['not an error at all', 'oops'],
  ])('not %s', (_, error) => {
    expect(databaseUnavailableReason(error)).toBeUndefined();
  });
});
