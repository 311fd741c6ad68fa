/**
 * Who declares the broker's topology, as set by `RabbitMqTransportOptions.topologyMode`:
 *
 * - `declare`: the transport declares what it uses at every (re)connection, idempotently. Its
 *   user needs `configure` on every exchange and queue: right for development and tests.
 * - `verify`: it declares nothing. At start it checks that every exchange and queue it would
 *   declare exists and fails at once naming each missing one (`TopologyMissingError`); its user
 *   needs no `configure` at all, so it can neither create nor delete anything shared. An
 *   administrator declared the topology beforehand (`declare-only`, or definitions).
 * - `declare-only`: the administrator's run: declares the exchanges, and every endpoint's queues
 *   and bindings as its consumers are set up, but starts no consumer. Run once per service with
 *   an administrator's credentials before the services start in `verify`.
 */
export type TopologyMode = 'declare' | 'verify' | 'declare-only';

export const topologyModes: readonly TopologyMode[] = ['declare', 'verify', 'declare-only'];
