/** How a transport with several broker addresses picks the first: as listed, or shuffled. */
export type AddressOrder = 'in-order' | 'shuffled';

/**
 * amqplib's object form of a broker URL. amqplib reads it afresh at every connection attempt of
 * its recovery, so changing its fields between attempts moves the next attempt to another node.
 */
interface AmqpAddress {
  protocol: 'amqp' | 'amqps';
  hostname: string;
  port: number;
  username: string;
  password: string;
  vhost: string;
  heartbeat: number;
  frameMax?: number;
  channelMax?: number;
}

/**
 * The nodes of a cluster as one connection sees them: it connects to the current one, and moves
 * to the next (round-robin) when an attempt fails or an open connection is lost, so a node that
 * went down is not tried again until the others were. Every address must log in as the same
 * user (the `user_id` stamped on each message) over the same protocol.
 */
export class BrokerAddresses {
  readonly urls: readonly string[];
  /** The address the next connection attempt goes to (amqplib's object form, updated in place). */
  readonly target: AmqpAddress;
  private readonly addresses: readonly AmqpAddress[];
  private index = 0;

  constructor(urls: string | readonly string[], heartbeatSeconds: number, order: AddressOrder) {
    const list = typeof urls === 'string' ? [urls] : [...urls];
    if (list.length === 0) throw new Error('A RabbitMQ transport needs at least one broker URL');
    this.urls = order === 'shuffled' ? shuffle(list) : list;
    const parsed = this.urls.map((url) => addressOf(url, heartbeatSeconds));
    const [first] = parsed;
    for (const [index, address] of parsed.entries()) {
      if (address.username !== first.username || address.protocol !== first.protocol) {
        throw new Error(
          `Broker URL ${index + 1} logs in as ${address.protocol}://${address.username}@, the first as ` +
            `${first.protocol}://${first.username}@: every address must use one user and protocol`,
        );
      }
    }
    this.addresses = parsed;
    this.target = { ...first };
  }

  /** Where the next attempt goes, without credentials: `host:port`. */
  get current(): string {
    return `${this.target.hostname}:${this.target.port}`;
  }

  /** The next address in turn (no change with one address). */
  advance(): void {
    if (this.addresses.length < 2) return;
    this.index = (this.index + 1) % this.addresses.length;
    Object.assign(this.target, this.addresses[this.index]);
  }
}

function addressOf(url: string, heartbeatSeconds: number): AmqpAddress {
  const parsed = new URL(url);
  const protocol = parsed.protocol.replace(/:$/, '');
  if (protocol !== 'amqp' && protocol !== 'amqps') {
    throw new Error(`A broker URL must be amqp:// or amqps://, got ${protocol}://`);
  }
  const query = parsed.searchParams;
  const number = (name: string) => (query.has(name) ? Number(query.get(name)) : undefined);
  return {
    protocol,
    hostname: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port) || (protocol === 'amqp' ? 5672 : 5671),
    username: decodeURIComponent(parsed.username) || 'guest',
    password: parsed.username ? decodeURIComponent(parsed.password) : 'guest',
    // Still escaped, as amqplib unescapes the vhost of a URL (`%2F` → `/`); none is `/`.
    vhost: parsed.pathname.slice(1),
    // An explicit `?heartbeat=` in the URL wins over the transport's setting.
    heartbeat: number('heartbeat') ?? heartbeatSeconds,
    ...(query.has('frameMax') && { frameMax: number('frameMax') }),
    ...(query.has('channelMax') && { channelMax: number('channelMax') }),
  };
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
