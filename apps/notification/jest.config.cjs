const withServices = require('../../jest.services.cjs');

module.exports = {
  ...withServices,
  displayName: 'notification',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  maxWorkers: 1,
  testTimeout: 30_000,
};
