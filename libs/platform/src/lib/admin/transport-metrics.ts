import { Gauge, type Registry } from 'prom-client';
import type { Transport } from '@shopbus/messaging-core';

/**
 * The transport's state on a prom-client registry, read at scrape time:
 *
 *   shopbus_broker_connected            1 while connected to the broker
 *   shopbus_broker_blocked              1 while the broker holds publishers back (an alarm)
 *   shopbus_endpoint_consuming{queue}   1 while the endpoint's consumer is attached, else 0
 *
 * An alert on `shopbus_endpoint_consuming == 0` for longer than a minute names a queue whose
 * messages nobody handles.
 */
export function registerTransportMetrics(registry: Registry, transport: Transport): void {
  new Gauge({
    name: 'shopbus_broker_connected',
    help: '1 while connected to the broker',
    registers: [registry],
    collect() {
      this.set(transport.status().connected ? 1 : 0);
    },
  });
  new Gauge({
    name: 'shopbus_broker_blocked',
    help: '1 while the broker blocks this service from publishing (a resource alarm)',
    registers: [registry],
    collect() {
      this.set(transport.status().blocked ? 1 : 0);
    },
  });
  new Gauge({
    name: 'shopbus_endpoint_consuming',
    help: "1 while the endpoint's consumer is attached, 0 while it is not",
    labelNames: ['queue'],
    registers: [registry],
    collect() {
      const status = transport.status();
      this.reset();
      for (const queue of status.endpoints) {
        this.set({ queue }, status.idleEndpoints.includes(queue) ? 0 : 1);
      }
    },
  });
}
