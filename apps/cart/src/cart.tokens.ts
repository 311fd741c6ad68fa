/** The cart service's configuration, injectable. */
export const CART_CONFIG = Symbol('CART_CONFIG');

/**
 * The Nest client the checkout asks shipping for quotes with (`ShopbusClientProxy`: `send` is
 * a request on the bus, with its timeout and the responder's error).
 */
export const SHIPPING_CLIENT = 'SHIPPING_CLIENT';
