/** The order service's configuration, injectable. */
export const ORDER_CONFIG = Symbol('ORDER_CONFIG');
