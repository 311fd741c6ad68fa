import { ThrottlerModule } from '@nestjs/throttler';

/**
 * The checkout's rate limit per client (by IP address): `limit` a second, counted in this
 * process. Beyond it the ThrottlerGuard on the route answers 429 with Retry-After (seconds) and
 * a message that says so; nothing of the checkout runs. Named `default` so that the header is
 * the standard `Retry-After`, not a suffixed one.
 */
export function checkoutRateLimit(limit: number) {
  return ThrottlerModule.forRoot({
    throttlers: [{ name: 'default', ttl: 1000, limit }],
    errorMessage: (_, detail) =>
      `Too many checkouts from this client (at most ${limit} a second): ` +
      `try again in ${detail.timeToBlockExpire} s`,
  });
}
