/**
 * The queue a service's handler of one message type consumes, unless it names its own:
 * `<service>.<message type>`, e.g. `shipping.order.placed`. Each service gets its own copy of
 * every event it subscribes to; two instances of one service share (compete on) one queue.
 */
export function endpointQueueName(service: string, messageType: string): string {
  return `${service}.${messageType}`;
}
