const withServices = require('../../../jest.services.cjs');

module.exports = {
  ...withServices,
  displayName: 'messaging-rabbitmq',
  preset: '../../../jest.preset.cjs',
  rootDir: __dirname,
  // One suite at a time: two cores run two projects side by side already (npm test).
  maxWorkers: 1,
  // The faults suites restart the broker: a generous default keeps a slow restart from failing them.
  testTimeout: 30_000,
};
