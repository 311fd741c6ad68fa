/**
 * Every broker name the adapter derives is formatted here and nowhere else, so that a reader
 * (or the management UI) can predict each queue's name from the endpoint it belongs to.
 */
export const naming = {
  /** RabbitMQ's pseudo-queue for direct reply-to: replies without a declared reply queue. */
  directReplyTo: 'amq.rabbitmq.reply-to',
  /** The nameless default exchange routes by queue name. */
  defaultExchange: '',
} as const;
