export { serviceGenerator } from './service/service.generator';
