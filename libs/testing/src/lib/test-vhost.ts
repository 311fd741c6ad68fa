import { brokerControl } from './broker-control';
import { rabbitmqUrl, uniqueName } from './test-environment';

/**
 * A RabbitMQ virtual host for one test suite: a whole service runs in it under its real queue
 * and exchange names without meeting another run's, and deleting it removes everything.
 */
export interface TestVhost {
  readonly name: string;
  /** RABBITMQ_URL pointing at the virtual host. */
  readonly url: string;
  delete(): Promise<void>;
}

export async function createTestVhost(prefix: string): Promise<TestVhost> {
  const name = uniqueName(prefix);
  await brokerControl.addVhost(name);
  const url = new URL(rabbitmqUrl());
  url.pathname = `/${encodeURIComponent(name)}`;
  return { name, url: url.toString(), delete: () => brokerControl.deleteVhost(name) };
}
