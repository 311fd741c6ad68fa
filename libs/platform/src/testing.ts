export * from './testing/service-under-test';
export * from './testing/shop-test-client';
export * from './testing/asyncapi-check';
