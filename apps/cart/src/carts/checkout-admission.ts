import { Inject, Injectable } from '@nestjs/common';
import { InFlightLimitInterceptor } from '@shopbus/platform';
import { CART_CONFIG } from '../cart.tokens';
import type { CartConfig } from '../config';

/**
 * The checkout's admission control: at most `checkoutMaxInFlight` checkouts run at once in this
 * process, one more gets 503 with Retry-After at once (see InFlightLimitInterceptor). The
 * per-client rate limit (429) stops one client's burst; this stops the sum of all clients from
 * queueing up behind a saturated database or shipping service.
 */
@Injectable()
export class CheckoutAdmission extends InFlightLimitInterceptor {
  constructor(@Inject(CART_CONFIG) config: CartConfig) {
    super(config.checkoutMaxInFlight, 'checkouts');
  }
}
