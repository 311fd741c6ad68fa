// Jest globalSetup shared by every project: decide which RabbitMQ and Postgres the tests talk
// to. When RABBITMQ_URL / DATABASE_URL are set (CI, or a machine with local services) they are
// used as they are; otherwise throwaway containers are started with testcontainers, which needs a
// Docker engine. Workers inherit process.env, so tests simply read the two variables.
// DATABASE_URL names a database the tests may connect to in order to create their own.
module.exports = async function globalSetup() {
  globalThis.__SHOPBUS_CONTAINERS__ = [];
  if (!process.env.RABBITMQ_URL) {
    try {
      const { RabbitMQContainer } = require('@testcontainers/rabbitmq');
      const container = await new RabbitMQContainer('rabbitmq:3.13-management').start();
      process.env.RABBITMQ_URL = container.getAmqpUrl();
      process.env.RABBITMQ_CONTAINER_ID = container.getId();
      globalThis.__SHOPBUS_CONTAINERS__.push(container);
    } catch (error) {
      throw new Error(
        'Tests need RabbitMQ. Set RABBITMQ_URL (e.g. amqp://guest:guest@127.0.0.1:5672) to use a ' +
          `running broker, or run a Docker engine so testcontainers can start one. (${error.message})`,
      );
    }
  }
  if (!process.env.DATABASE_URL) {
    try {
      const { PostgreSqlContainer } = require('@testcontainers/postgresql');
      const container = await new PostgreSqlContainer('postgres:15').start();
      process.env.DATABASE_URL = container.getConnectionUri();
      globalThis.__SHOPBUS_CONTAINERS__.push(container);
    } catch (error) {
      throw new Error(
        'Tests need PostgreSQL. Set DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/postgres) ' +
          'to use a running server (the tests create and drop their own databases on it), or run a ' +
          `Docker engine so testcontainers can start one. (${error.message})`,
      );
    }
  }
};
