export * from './lib/test-environment';
export * from './lib/broker-admin';
export * from './lib/broker-control';
export * from './lib/signals';
export * from './lib/test-database';
export * from './lib/bench-stats';
export * from './lib/test-vhost';
