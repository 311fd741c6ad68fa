// Stops what global-setup.cjs started with testcontainers; nothing when local services were used.
module.exports = async function globalTeardown() {
  for (const container of globalThis.__SHOPBUS_CONTAINERS__ ?? []) await container.stop();
};
