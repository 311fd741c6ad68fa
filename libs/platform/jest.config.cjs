const withServices = require('../../jest.services.cjs');

module.exports = {
  ...withServices,
  displayName: 'platform',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  // The faults suite waits out a memory alarm and the broker's recovery from it.
  testTimeout: 30_000,
};
