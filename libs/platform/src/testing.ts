export * from './testing/service-under-test';
export * from './testing/shop-test-client';
export * from './testing/asyncapi-check';
export * from './testing/service-on-harness';
export * from './testing/test-operators';
export * from './testing/prometheus-samples';
