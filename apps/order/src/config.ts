import { durationFromEnv, loadServiceConfig, type ServiceConfig } from '@shopbus/platform';

export interface OrderConfig extends ServiceConfig {
  /** An order not dispatched this long after it was placed is cancelled. Default 1 hour. */
  dispatchDeadlineMs: number;
}

export function loadOrderConfig(env: NodeJS.ProcessEnv = process.env): OrderConfig {
  return {
    ...loadServiceConfig(
      'order',
      { port: 3002, database: 'shop_order', databaseUrlVariable: 'ORDER_DATABASE_URL' },
      env,
    ),
    dispatchDeadlineMs: durationFromEnv(env, 'ORDER_DISPATCH_DEADLINE_MS', 60 * 60 * 1000),
  };
}
