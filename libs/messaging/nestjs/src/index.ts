export * from './lib/messaging.module';
export * from './lib/messaging-module.options';
export * from './lib/messaging-explorer';
export * from './lib/message-handler.decorator';
export * from './lib/nest-messaging-logger';
export * from './lib/microservice/shopbus-server';
export * from './lib/microservice/shopbus-client-proxy';
export * from './lib/microservice/message-errors.filter';
export { MESSAGING_OPTIONS } from './lib/messaging.module-definition';
