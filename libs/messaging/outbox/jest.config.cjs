const withServices = require('../../../jest.services.cjs');

module.exports = {
  ...withServices,
  displayName: 'messaging-outbox',
  preset: '../../../jest.preset.cjs',
  rootDir: __dirname,
  // Suites share one broker and one Postgres, and one stops the broker: one at a time.
  maxWorkers: 1,
  testTimeout: 60_000,
};
