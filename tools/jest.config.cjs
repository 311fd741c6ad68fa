const withServices = require('../jest.services.cjs');

module.exports = {
  ...withServices,
  displayName: 'tools',
  preset: '../jest.preset.cjs',
  rootDir: __dirname,
  testPathIgnorePatterns: [
    '/node_modules/',
    '\\.faults\\.spec\\.ts$',
    '/generators/service/files/',
  ],
  // The broker's permission checks want a few rabbitmqctl calls (each starts an Erlang VM).
  testTimeout: 30_000,
};
