export * from './lib/shared-shapes';
export * from './lib/exchanges';
export * from './lib/cart.contracts';
export * from './lib/order.contracts';
export * from './lib/shipping.contracts';
export * from './lib/notification.contracts';
export * from './lib/shop-contracts';
