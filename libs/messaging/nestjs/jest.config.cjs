const withServices = require('../../../jest.services.cjs');

module.exports = {
  ...withServices,
  displayName: 'messaging-nestjs',
  preset: '../../../jest.preset.cjs',
  rootDir: __dirname,
  // Suites share one broker: run them one at a time.
  maxWorkers: 1,
};
