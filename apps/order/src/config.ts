import path from 'node:path';
import { readServiceManifest } from '@shopbus/service-manifest';
import { durationFromEnv, loadServiceConfig, type ServiceConfig } from '@shopbus/platform';

export interface OrderConfig extends ServiceConfig {
  /** An order not dispatched this long after it was placed is cancelled. Default 1 hour. */
  dispatchDeadlineMs: number;
}

export function loadOrderConfig(env: NodeJS.ProcessEnv = process.env): OrderConfig {
  return {
    ...loadServiceConfig(readServiceManifest(path.join(__dirname, '..')), env),
    dispatchDeadlineMs: durationFromEnv(env, 'ORDER_DISPATCH_DEADLINE_MS', 60 * 60 * 1000),
  };
}
