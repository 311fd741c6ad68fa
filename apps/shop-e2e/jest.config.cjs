const withServices = require('../../jest.services.cjs');

module.exports = {
  ...withServices,
  displayName: 'shop-e2e',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  maxWorkers: 1,
  testTimeout: 60_000,
};
