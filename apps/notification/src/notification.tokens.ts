/** The shop's exchange names as this service was configured with them, injectable. */
export const SHOP_EXCHANGES = Symbol('SHOP_EXCHANGES');
