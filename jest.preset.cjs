// Shared Jest settings for every project. @swc/jest compiles TypeScript with decorator metadata
// (NestJS needs it) an order of magnitude faster than ts-jest; type errors are the typecheck
// target's job, not the test runner's.
const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Suites that stop, restart or alarm the shared broker run alone, in each project's
  // test-faults target (see jest.faults.cjs): everything else may run side by side.
  testPathIgnorePatterns: ['/node_modules/', '\\.faults\\.spec\\.ts$'],
};
