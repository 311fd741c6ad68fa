export { parseServiceManifest, type ServiceManifest } from './lib/service-manifest';
export { readServiceManifest, readServiceManifests } from './lib/read-service-manifests';
export { databaseUrlOf, DEFAULT_POSTGRES_URL } from './lib/database-url';
export { databaseRoleOf, databasePasswordVariableOf } from './lib/database-role';
