// Jest globalSetup shared by every project: decide which RabbitMQ (and, later, Postgres) the
// tests talk to. When RABBITMQ_URL is set (CI, or a machine with a local broker) it is used as
// is; otherwise a throwaway broker is started with testcontainers, which needs a Docker engine.
// Workers inherit process.env, so tests simply read RABBITMQ_URL.
module.exports = async function globalSetup() {
  if (process.env.RABBITMQ_URL) return;
  let RabbitMQContainer;
  try {
    ({ RabbitMQContainer } = require('@testcontainers/rabbitmq'));
    const container = await new RabbitMQContainer('rabbitmq:3.13-management').start();
    process.env.RABBITMQ_URL = container.getAmqpUrl();
    process.env.RABBITMQ_CONTAINER_ID = container.getId();
    globalThis.__SHOPBUS_CONTAINERS__ = [container];
  } catch (error) {
    throw new Error(
      'Tests need RabbitMQ. Set RABBITMQ_URL (e.g. amqp://guest:guest@127.0.0.1:5672) to use a ' +
        `running broker, or run a Docker engine so testcontainers can start one. (${error.message})`,
    );
  }
};
