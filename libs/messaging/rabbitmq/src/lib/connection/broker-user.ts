/**
 * The user a connection URL logs in as (amqplib's default when it names none: guest). Every
 * message the library publishes carries it as `user_id`, which RabbitMQ checks against the
 * connection's user: receivers can trust who published a message, whatever its envelope claims.
 */
export function brokerUserOf(url: string): string {
  return decodeURIComponent(new URL(url).username) || 'guest';
}
