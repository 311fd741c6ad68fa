/** The shipping service's configuration, injectable. */
export const SHIPPING_CONFIG = Symbol('SHIPPING_CONFIG');
