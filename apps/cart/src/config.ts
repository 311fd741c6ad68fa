import path from 'node:path';
import { readServiceManifest } from '@shopbus/service-manifest';
import {
  countFromEnv,
  durationFromEnv,
  loadServiceConfig,
  type ServiceConfig,
} from '@shopbus/platform';

export interface CartConfig extends ServiceConfig {
  /** A cart with items and no checkout for this long is abandoned. Default 30 minutes. */
  abandonAfterMs: number;
  /** How long a shipping quote may take before the customer gets a 504. Default 3 s. */
  quoteTimeoutMs: number;
  /**
   * Checkouts one client (IP address) may start per second before it gets 429 with Retry-After.
   * Default 10: a customer checks out once; a burst beyond is a script. Load rigs raise it.
   */
  checkoutRateLimit: number;
  /**
   * Checkouts this process runs at once before one more gets 503 with Retry-After (admission
   * control under overload). Default 64: far above what one takes in normal operation (a
   * checkout takes milliseconds), and a bound on the queue when the shop is saturated.
   */
  checkoutMaxInFlight: number;
}

export function loadCartConfig(env: NodeJS.ProcessEnv = process.env): CartConfig {
  return {
    ...loadServiceConfig(readServiceManifest(path.join(__dirname, '..')), env),
    abandonAfterMs: durationFromEnv(env, 'CART_ABANDON_AFTER_MS', 30 * 60 * 1000),
    quoteTimeoutMs: durationFromEnv(env, 'SHIPPING_QUOTE_TIMEOUT_MS', 3000),
    checkoutRateLimit: countFromEnv(env, 'CHECKOUT_RATE_LIMIT', 10),
    checkoutMaxInFlight: countFromEnv(env, 'CHECKOUT_MAX_IN_FLIGHT', 64),
  };
}
