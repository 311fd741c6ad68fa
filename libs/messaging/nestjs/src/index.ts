export * from './lib/messaging.module';
export * from './lib/messaging-module.options';
export * from './lib/message-handler.decorator';
export * from './lib/nest-messaging-logger';
export { MESSAGING_OPTIONS } from './lib/messaging.module-definition';
