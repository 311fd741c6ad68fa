/** The message every contender sends: ~300 bytes of JSON, with its send time for latencies. */
export interface BenchPayload {
  n: number;
  sentAt: number;
  orderId: string;
  note: string;
}

/**
 * One way of doing messaging over RabbitMQ, driven identically by the benchmark: one durable
 * classic queue of its own, persistent messages, publisher confirms awaited, prefetch 100,
 * acknowledgement after the handler.
 */
export interface Contender {
  readonly name: string;
  /** What it promises a user, in the words of the table's last column. */
  readonly guarantees: string;
  /** Connects and declares its queue (as it would itself), empty. */
  start(queue: string): Promise<void>;
  /** Sends one message to the queue; resolves once the broker has confirmed it. */
  publish(payload: BenchPayload): Promise<void>;
  /**
   * Consumes the queue, calling `handled` from inside the handler for each message, which is
   * acknowledged after the handler returns; resolves once consuming; the function it resolves
   * with stops consuming.
   */
  consume(handled: (payload: BenchPayload) => void): Promise<() => Promise<void>>;
  /** Empties the queue between phases. */
  purge(): Promise<void>;
  close(): Promise<void>;
}

export const PREFETCH = 100;
