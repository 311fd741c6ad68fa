import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Disrupts the broker the way operations do: connections dropped, the node restarted. Uses the
 * local `rabbitmqctl`, or the one inside the testcontainers broker when global-setup started one.
 */
export const brokerControl = {
  /** Closes every client connection, as a network partition or a node maintenance would. */
  closeAllConnections: () => rabbitmqctl('close_all_connections', 'shopbus test: simulated outage'),

  /**
   * Closes the client connections whose name contains `fragment` (letters, digits, spaces,
   * parentheses, dots and dashes), e.g. only the publishing ones: `(publish)`.
   */
  closeConnectionsNamed: (fragment: string) => {
    if (!/^[\w .()-]+$/.test(fragment)) throw new Error(`unsafe connection name: ${fragment}`);
    return rabbitmqctl(
      'eval',
      `[rabbit_networking:close_connection(P, "shopbus test: simulated outage") || ` +
        `P <- rabbit_networking:connections(), ` +
        `{client_properties, Props} <- rabbit_reader:info(P, [client_properties]), ` +
        `{<<"connection_name">>, longstr, Name} <- Props, ` +
        `binary:match(Name, <<"${fragment}">>) =/= nomatch].`,
    );
  },

  /** Stops the RabbitMQ application (connections refused, node kept); see `startApp`. */
  stopApp: () => rabbitmqctl('stop_app'),

  startApp: async () => {
    await rabbitmqctl('start_app');
    await rabbitmqctl('await_startup');
  },

  /** A virtual host of its own (all names isolated), open to the guest user; see deleteVhost. */
  addVhost: async (vhost: string) => {
    await rabbitmqctl('add_vhost', vhost);
    await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
  },

  /** A broker user with a password, and no permissions until given some; see deleteUser. */
  addUser: (user: string, password: string) => rabbitmqctl('add_user', user, password),

  deleteUser: (user: string) => rabbitmqctl('delete_user', user),

  /** A user's configure, write and read patterns on a virtual host, as in the broker's definitions. */
  setPermissions: (
    vhost: string,
    user: string,
    patterns: { configure: string; write: string; read: string },
  ) =>
    rabbitmqctl(
      'set_permissions',
      '-p',
      vhost,
      user,
      patterns.configure,
      patterns.write,
      patterns.read,
    ),

  /** A user's write and read routing-key patterns on one topic exchange of a virtual host. */
  setTopicPermissions: (
    vhost: string,
    user: string,
    patterns: { exchange: string; write: string; read: string },
  ) =>
    rabbitmqctl(
      'set_topic_permissions',
      '-p',
      vhost,
      user,
      patterns.exchange,
      patterns.write,
      patterns.read,
    ),

  /** Deletes a virtual host with every exchange, queue and message in it. */
  deleteVhost: (vhost: string) => rabbitmqctl('delete_vhost', vhost),

  /**
   * Raises the node's memory alarm, as a broker short of memory does: every connection that
   * publishes is blocked until `clearMemoryAlarm`. Affects the whole node: tests run one at a time.
   */
  raiseMemoryAlarm: () =>
    rabbitmqctl('eval', 'rabbit_alarm:set_alarm({{resource_limit, memory, node()}, []}).'),

  clearMemoryAlarm: () =>
    rabbitmqctl('eval', 'rabbit_alarm:clear_alarm({resource_limit, memory, node()}).'),

  /** A full application restart: only durable queues and persistent messages survive it. */
  restart: async () => {
    await brokerControl.stopApp();
    await brokerControl.startApp();
  },
};

async function rabbitmqctl(...args: string[]): Promise<void> {
  const container = process.env.RABBITMQ_CONTAINER_ID;
  if (container) await run('docker', ['exec', container, 'rabbitmqctl', ...args]);
  else await run('rabbitmqctl', args);
}
