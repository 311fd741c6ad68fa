import { Global, Module, type DynamicModule } from '@nestjs/common';
import { OPERATOR_ACCESS, OperatorGuard, type OperatorAccess } from './operator.guard';

/** Who the service's operators are, for every `@OperatorRoute` in it (its own controllers too). */
@Global()
@Module({})
export class OperatorsModule {
  static forRoot(access: OperatorAccess): DynamicModule {
    return {
      module: OperatorsModule,
      providers: [{ provide: OPERATOR_ACCESS, useValue: access }, OperatorGuard],
      exports: [OPERATOR_ACCESS, OperatorGuard],
    };
  }
}
