import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureService, startService } from '../lib/bootstrap-service';
import { testOperatorTokens } from './test-operators';

/**
 * A service's environment in a test: the process's, its database URL under the variable it
 * reads, logs silent unless TEST_LOG_LEVEL says otherwise, the test's operators (`asOperator`),
 * then what the test adds.
 */
export function testServiceEnvironment(
  databaseUrlVariable: string,
  databaseUrl: string,
  ...overrides: (Record<string, string> | undefined)[]
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    [databaseUrlVariable]: databaseUrl,
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    OPERATOR_TOKENS: testOperatorTokens,
    ...Object.assign({}, ...overrides),
  };
}

/** Compiles a service's module and starts it as its main.ts does (pipes, filters, microservice). */
export async function startTestServiceApp(
  module: DynamicModule,
  title: string,
  description: string,
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  configureService(app, { title, description });
  await startService(app);
  return app;
}
