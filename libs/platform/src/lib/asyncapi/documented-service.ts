/** What the AsyncAPI document says of the service beside its messages. */
export interface DocumentedService {
  name: string;
  /** `host:port` of its broker, never with credentials. */
  brokerHost: string;
}

export const SERVICE_CONFIG_FOR_DOCS = Symbol('SERVICE_CONFIG_FOR_DOCS');

/** The broker's address from its URL, credentials left out. */
export function brokerHostOf(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || '5672'}`;
}
