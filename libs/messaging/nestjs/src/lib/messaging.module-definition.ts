import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { MessagingModuleOptions } from './messaging-module.options';

/**
 * `MessagingModule.forRoot(options)` / `forRootAsync({ useFactory, inject })`, global by default
 * so that every module can inject the MessageBus.
 */
export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN: MESSAGING_OPTIONS } =
  new ConfigurableModuleBuilder<MessagingModuleOptions>({ moduleName: 'Messaging' })
    .setClassMethodName('forRoot')
    .setExtras({ isGlobal: true }, (definition, extras) => ({
      ...definition,
      global: extras.isGlobal,
    }))
    .build();
