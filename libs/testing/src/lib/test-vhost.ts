import { brokerControl } from './broker-control';
import { rabbitmqUrl, uniqueName, type TestVhost } from './test-environment';

export async function createTestVhost(prefix: string): Promise<TestVhost> {
  const name = uniqueName(prefix);
  await brokerControl.addVhost(name);
  const url = new URL(rabbitmqUrl());
  url.pathname = `/${encodeURIComponent(name)}`;
  return { name, url: url.toString(), delete: () => brokerControl.deleteVhost(name) };
}
