import { MessageBus, silentLogger, type MessageBusOptions } from '@shopbus/messaging-core';
import { InMemoryBroker } from '../broker/in-memory-broker';
import { InMemoryTransport } from '../in-memory-transport';
import type { InMemoryTransportOptions } from '../in-memory-transport.options';
import { VirtualClock } from '../time/virtual-clock';
import { HarnessJournal } from './harness-journal';

export interface MessagingHarnessOptions extends Pick<
  InMemoryTransportOptions,
  'eventsExchange' | 'commandsExchange' | 'topology' | 'exchangeNames'
> {
  /** The source the harness's own bus sends as. Default 'test'. */
  source?: string;
  /** Options of the harness's own bus (recoverability, middleware, idempotency...). */
  bus?: Partial<MessageBusOptions>;
  /** Where the clock starts. Default the real time now. */
  startAt?: number;
}

/** The harness's own queue: bound to every event, so that none is unroutable for want of a test subscriber. */
const OBSERVER_QUEUE = 'harness.observed-events';

/**
 * Something besides the broker that still has work to do on its own (an outbox relay with due
 * rows): `whenQuiet` waits until each says it is idle.
 */
export type ActivityProbe = () => Promise<boolean>;

/**
 * Handler and saga tests without a broker: an in-memory broker, a virtual clock, a bus to drive
 * the code under test, and a journal of everything that happened, read by contract.
 *
 *     const harness = await MessagingHarness.start();
 *     await harness.bus.subscribe({ queue: 'orders', handlers: [handlerFor(PlaceOrder, place)] });
 *     await harness.bus.send(PlaceOrder, { orderId });
 *     await harness.whenQuiet();
 *     expect(harness.published(OrderPlaced)).toHaveLength(1);
 *
 * Assertions read the journal after a barrier, never by polling: `whenQuiet()` resolves once no
 * delivery is out, no message waits for a consumer that could take it, no delayed redelivery is
 * due by the virtual time, and every probe (a service's outbox) is idle. `advance(ms)` moves the
 * clock, firing what falls due on the way, and waits for quiet: an hour's deadline in
 * milliseconds. Every event is routed to the harness's own observer queue too, so an event no
 * test subscriber takes is recorded, not refused as unroutable.
 */
export class MessagingHarness {
  readonly broker = new InMemoryBroker();
  readonly clock: VirtualClock;
  readonly bus: MessageBus;
  private readonly journal: HarnessJournal;
  private readonly transports: InMemoryTransport[] = [];
  private readonly probes: ActivityProbe[] = [];
  private readonly eventsExchange: string;

  private constructor(private readonly options: MessagingHarnessOptions) {
    this.clock = new VirtualClock(options.startAt);
    this.eventsExchange = options.eventsExchange ?? 'messaging.events';
    this.journal = new HarnessJournal(this.eventsExchange, OBSERVER_QUEUE);
    this.broker.observe((event) => this.journal.record(event));
    this.bus = new MessageBus(this.transport(), {
      source: options.source ?? 'test',
      logger: silentLogger,
      clock: this.clock,
      ...options.bus,
    });
  }

  static async start(options: MessagingHarnessOptions = {}): Promise<MessagingHarness> {
    const harness = new MessagingHarness(options);
    await harness.bus.transport.start();
    await harness.bus.transport.consume(
      {
        queue: OBSERVER_QUEUE,
        prefetch: 100,
        contracts: [],
        redeliveryDelaysMs: [],
        bindings: [{ exchange: harness.eventsExchange, pattern: '#' }],
      },
      async () => undefined,
    );
    return harness;
  }

  /**
   * A transport on the harness's broker and clock, with its routers: give one to each service
   * under test (it starts it). Options override the harness's own (a service's logical names).
   */
  transport(options: Partial<InMemoryTransportOptions> = {}): InMemoryTransport {
    const transport = new InMemoryTransport({
      eventsExchange: this.options.eventsExchange,
      commandsExchange: this.options.commandsExchange,
      topology: this.options.topology,
      exchangeNames: this.options.exchangeNames,
      ...options,
      broker: this.broker,
      clock: this.clock,
    });
    this.transports.push(transport);
    return transport;
  }

  /**
   * Waits, in `whenQuiet`, for this to report idle too (a service's outbox relay); the returned
   * function stops asking it (when the service stops).
   */
  addProbe(probe: ActivityProbe): () => void {
    this.probes.push(probe);
    return () => {
      const at = this.probes.indexOf(probe);
      if (at >= 0) this.probes.splice(at, 1);
    };
  }

  published: HarnessJournal['published'] = (contract) => this.journal.published(contract);
  sent: HarnessJournal['sent'] = (contract) => this.journal.sent(contract);
  consumed: HarnessJournal['consumed'] = (contract) => this.journal.consumed(contract);
  deadLettered: HarnessJournal['deadLettered'] = (contract) => this.journal.deadLettered(contract);
  faulted: HarnessJournal['faulted'] = (contract) => this.journal.faulted(contract);

  /**
   * Resolves once nothing will happen without the test doing something: see the class comment.
   * Rejects after `timeoutMs` of real time saying what was still busy.
   */
  async whenQuiet(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.untilBrokerQuiet(deadline);
      const idle = await Promise.all(this.probes.map((probe) => probe()));
      // A probe may have set work going (a relay publishing): quiet only if the broker still is.
      if (idle.every(Boolean) && this.broker.isQuiet(this.clock.now())) return;
      if (Date.now() > deadline) {
        throw new Error(`The harness was not quiet within ${timeoutMs} ms: a probe stayed busy`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Moves the virtual clock by `ms`, firing what falls due on the way, then waits for quiet. */
  async advance(ms: number): Promise<void> {
    await this.whenQuiet();
    await this.clock.advance(ms);
    await this.whenQuiet();
  }

  async close(): Promise<void> {
    await Promise.all(this.transports.map((transport) => transport.close()));
  }

  private untilBrokerQuiet(deadline: number): Promise<void> {
    return this.broker.whenQuiet(this.clock.now(), Math.max(0, deadline - Date.now()));
  }
}
