module.exports = {
  displayName: 'tools',
  preset: '../jest.preset.cjs',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/generators/service/files/'],
};
