const withServices = require('../../jest.services.cjs');

module.exports = {
  ...withServices,
  displayName: 'order',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  maxWorkers: 1,
  testTimeout: 30_000,
};
