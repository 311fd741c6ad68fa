import type { EndpointBinding } from '../ports/transport';
import type { RecoverabilityPolicy } from '../recoverability/recoverability-policy';
import type { PartitionKeyOf } from './partition-by';

/**
 * One queue a service consumes and how: everything about an endpoint, declared once as a value
 * (a service keeps all of its endpoints in one `<service>.endpoints.ts`) and referenced by the
 * handlers that consume it, in either handler style.
 */
export interface EndpointDefinition {
  readonly queue: string;
  /** Most messages held unacknowledged and handled at once on this queue. Default 16. */
  readonly prefetch?: number;
  /**
   * Messages with the same key are handled one at a time, in arrival order; the others
   * concurrently up to `prefetch` (`byCorrelationId`: one conversation at a time).
   */
  readonly partitionBy?: PartitionKeyOf;
  /** Sources besides the handlers' own types: event patterns, a fanout or headers exchange. */
  readonly bindings?: readonly EndpointBinding[];
  /**
   * This endpoint's retries and redelivery delays, over the bus's policy (e.g. more immediate
   * attempts for a flaky dependency, or longer delays for one that restarts slowly).
   */
  readonly recoverability?: Partial<
    Pick<RecoverabilityPolicy, 'immediateAttempts' | 'immediateIntervalMs' | 'redeliveryDelaysMs'>
  >;
  /**
   * Each message is handled at most once here, however often it is delivered: the library opens
   * a transaction around each attempt, records the message in it (the inbox) and hands it to the
   * handler as `context.transaction`, so that the handler's writes and the record commit together.
   * A message recorded before is acknowledged without calling the handler. Needs the bus's
   * `idempotency` store; not for queries (a query asked again is answered again).
   */
  readonly idempotent?: boolean;
}

/** Checks and freezes an endpoint definition: a typo in a prefetch fails at start-up. */
export function defineEndpoint<D extends EndpointDefinition>(definition: D): Readonly<D> {
  if (!definition.queue) throw new Error('An endpoint needs a queue name');
  const { prefetch } = definition;
  if (prefetch !== undefined && (!Number.isInteger(prefetch) || prefetch < 1)) {
    throw new Error(
      `Endpoint "${definition.queue}": prefetch must be an integer >= 1, got ${prefetch}`,
    );
  }
  return Object.freeze({ ...definition });
}
