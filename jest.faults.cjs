// The suites of a project that disrupt the shared broker (stop it, restart it, raise its memory
// alarm, close every connection): `*.faults.spec.ts`. They run in the project's test-faults
// target, one project and one suite at a time, after every other test (npm test); the test
// target leaves them out (jest.preset.cjs), so that projects can run side by side.
// Usage, in <project>/faults.jest.cjs: module.exports = require('<root>/jest.faults.cjs')(require('./jest.config.cjs'));
module.exports = (config) => ({
  ...config,
  displayName: `${config.displayName} (faults)`,
  testMatch: ['**/*.faults.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
});
