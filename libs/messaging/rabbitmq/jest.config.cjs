const withServices = require('../../../jest.services.cjs');

module.exports = {
  ...withServices,
  displayName: 'messaging-rabbitmq',
  preset: '../../../jest.preset.cjs',
  rootDir: __dirname,
  // Suites share one broker and some restart it: run them one at a time.
  maxWorkers: 1,
  // Some suites restart the broker: a generous default keeps a slow restart from failing them.
  testTimeout: 30_000,
};
