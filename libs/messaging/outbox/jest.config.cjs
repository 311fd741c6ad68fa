const withServices = require('../../../jest.services.cjs');

module.exports = {
  ...withServices,
  displayName: 'messaging-outbox',
  preset: '../../../jest.preset.cjs',
  rootDir: __dirname,
  // One suite at a time: two cores run two projects side by side already (npm test).
  maxWorkers: 1,
  testTimeout: 60_000,
};
