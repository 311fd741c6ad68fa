export * from './testing/service-under-test';
export * from './testing/shop-test-client';
