const withServices = require('../../jest.services.cjs');

module.exports = {
  ...withServices,
  displayName: 'platform',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
};
