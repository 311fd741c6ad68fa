const withServices = require('../../jest.services.cjs');

module.exports = {
  ...withServices,
  displayName: 'persistence',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testTimeout: 30_000,
};
