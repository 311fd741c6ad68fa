export * from './lib/rabbitmq-transport';
export * from './lib/rabbitmq-transport.options';
export * from './lib/topology/topology';
export * from './lib/topology/declare-topology';
export * from './lib/topology/topology-mismatch.error';
export * from './lib/topology/naming';
