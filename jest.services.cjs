// For projects whose tests talk to RabbitMQ (and Postgres): global-setup decides which, using
// RABBITMQ_URL when set and starting throwaway containers otherwise. Spread into a jest config.
module.exports = {
  globalSetup: require.resolve('./libs/testing/src/global-setup.cjs'),
  globalTeardown: require.resolve('./libs/testing/src/global-teardown.cjs'),
};
