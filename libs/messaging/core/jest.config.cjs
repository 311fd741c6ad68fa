module.exports = {
  displayName: 'messaging-core',
  preset: '../../../jest.preset.cjs',
  rootDir: __dirname,
  // Suites share one broker and some restart it: run them one at a time.
  maxWorkers: 1,
};
