/** The cart service's configuration, injectable. */
export const CART_CONFIG = Symbol('CART_CONFIG');
