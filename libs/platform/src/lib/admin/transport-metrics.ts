import type { Meter } from '@opentelemetry/api';
import type { Transport } from '@shopbus/messaging-core';

/**
 * The transport's state as OpenTelemetry observable gauges, read when the meter is collected:
 *
 *   shopbus_broker_connected            1 while connected to the broker
 *   shopbus_broker_blocked              1 while the broker holds publishers back (an alarm)
 *   shopbus_endpoint_consuming{queue}   1 while the endpoint's consumer is attached, else 0
 *
 * An alert on `shopbus_endpoint_consuming == 0` for longer than a minute names a queue whose
 * messages nobody handles.
 */
export function observeTransport(meter: Meter, transport: Transport): void {
  meter
    .createObservableGauge('shopbus_broker_connected', {
      description: 'Whether this service is connected to the broker (1) or not (0)',
    })
    .addCallback((result) => result.observe(transport.status().connected ? 1 : 0));
  meter
    .createObservableGauge('shopbus_broker_blocked', {
      description: 'Whether the broker blocks this service from publishing (a resource alarm)',
    })
    .addCallback((result) => result.observe(transport.status().blocked ? 1 : 0));
  meter
    .createObservableGauge('shopbus_endpoint_consuming', {
      description: "Whether the endpoint's consumer is attached (1) or not (0)",
    })
    .addCallback((result) => {
      const status = transport.status();
      for (const queue of status.endpoints) {
        result.observe(status.idleEndpoints.includes(queue) ? 0 : 1, { queue });
      }
    });
}
