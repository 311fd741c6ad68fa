// Needs neither a broker nor a database: these suites run anywhere, in parallel.
module.exports = {
  displayName: 'messaging-in-memory',
  preset: '../../../jest.preset.cjs',
  rootDir: __dirname,
};
