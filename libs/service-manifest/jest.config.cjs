module.exports = {
  displayName: 'service-manifest',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
};
