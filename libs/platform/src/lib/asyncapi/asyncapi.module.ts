import { Module, type DynamicModule } from '@nestjs/common';
import { AsyncApiController } from './asyncapi.controller';
import { SERVICE_CONFIG_FOR_DOCS, type DocumentedService } from './documented-service';

/** Serves the service's AsyncAPI document (see AsyncApiController). Needs the MessagingModule. */
@Module({})
export class AsyncApiModule {
  static forRoot(service: DocumentedService): DynamicModule {
    return {
      module: AsyncApiModule,
      controllers: [AsyncApiController],
      providers: [{ provide: SERVICE_CONFIG_FOR_DOCS, useValue: service }],
    };
  }
}
