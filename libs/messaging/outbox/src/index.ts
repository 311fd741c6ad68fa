export * from './lib/outbox';
export * from './lib/inbox';
export * from './lib/outbox-table';
export * from './lib/sql-executor';
export * from './lib/relay/outbox-relay';
export * from './lib/relay/outbox-relay.options';
export * from './lib/metrics/outbox-metrics';
export * from './lib/metrics/prometheus-outbox-metrics';
