/**
 * Every broker name the adapter derives is formatted here and nowhere else, so that a reader
 * (or the management UI) can predict each queue's name from the endpoint it belongs to:
 *
 *     orders                 the endpoint's queue
 *     orders.retry.10000ms   waits 10 s, then dead-letters back into `orders`
 *     orders.dlq             where `orders` gives messages up, with their fault
 */
export const naming = {
  /** RabbitMQ's pseudo-queue for direct reply-to: replies without a declared reply queue. */
  directReplyTo: 'amq.rabbitmq.reply-to',
  /** The nameless default exchange routes by queue name. */
  defaultExchange: '',
  retryQueue: (queue: string, delayMs: number) => `${queue}.retry.${delayMs}ms`,
  deadLetterQueue: (queue: string) => `${queue}.dlq`,
} as const;
