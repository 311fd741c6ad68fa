export * from './lib/in-memory-transport';
export * from './lib/in-memory-transport.options';
export * from './lib/broker/in-memory-broker';
export * from './lib/broker/stored-message';
export * from './lib/time/virtual-clock';
export * from './lib/harness/messaging-harness';
export * from './lib/harness/harness-journal';
