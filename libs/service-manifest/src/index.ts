export { parseServiceManifest, type ServiceManifest } from './lib/service-manifest';
export { readServiceManifest, readServiceManifests } from './lib/read-service-manifests';
export { databaseUrlOf, DEFAULT_POSTGRES_URL } from './lib/database-url';
export { databaseRoleOf } from './lib/database-role';
export {
  brokerPasswordVariableOf,
  databasePasswordVariableOf,
  variablePrefixOf,
} from './lib/service-variables';
