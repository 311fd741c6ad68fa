import path from 'node:path';
import { readServiceManifest } from '@shopbus/service-manifest';
import { durationFromEnv, loadServiceConfig, type ServiceConfig } from '@shopbus/platform';

export interface ShippingConfig extends ServiceConfig {
  courier: {
    /** Dispatch and deliver every shipment by itself, by scheduled messages (the demo's courier). */
    enabled: boolean;
    dispatchAfterMs: number;
    deliverAfterMs: number;
  };
}

export function loadShippingConfig(env: NodeJS.ProcessEnv = process.env): ShippingConfig {
  return {
    ...loadServiceConfig(readServiceManifest(path.join(__dirname, '..')), env),
    courier: {
      enabled: env['COURIER_SIMULATION'] === 'true',
      dispatchAfterMs: durationFromEnv(env, 'COURIER_DISPATCH_AFTER_MS', 3000),
      deliverAfterMs: durationFromEnv(env, 'COURIER_DELIVER_AFTER_MS', 3000),
    },
  };
}
