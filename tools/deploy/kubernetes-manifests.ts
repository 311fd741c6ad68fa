import { shopExchanges } from '@shopbus/contracts';
import {
  brokerPasswordVariableOf,
  databasePasswordVariableOf,
  databaseRoleOf,
  type ServiceManifest,
} from '@shopbus/service-manifest';
import { stringify } from 'yaml';
import { eventsWritePattern, servicePermissions } from './rabbitmq-definitions';

/**
 * `deploy/k8s/`: the shop on Kubernetes, as a kustomize base made from the manifests (so a new
 * service gets its Deployment, Service, PodDisruptionBudget, broker user and autoscaling with
 * nothing to write by hand). What it expects beside it: the RabbitMQ Cluster Operator and its
 * Messaging Topology Operator, KEDA, a Postgres reachable as `postgres` over TLS, and the
 * secrets of `.env.example` in the Secret `shopbus-secrets` (see docs/kubernetes.md).
 */
const NAMESPACE = 'shopbus';
const SECRETS = 'shopbus-secrets';
const CA_SECRET = 'shopbus-ca';
const RABBITMQ = 'shopbus-rabbitmq';
const RABBITMQ_HOST = `${RABBITMQ}.${NAMESPACE}.svc`;

const labels = (component: string) => ({
  'app.kubernetes.io/name': component,
  'app.kubernetes.io/part-of': 'shopbus',
});
const fromSecret = (name: string, key: string = name) => ({
  name,
  valueFrom: { secretKeyRef: { name: SECRETS, key } },
});
const caVolume = { name: 'ca', secret: { secretName: CA_SECRET } };
const caMount = { name: 'ca', mountPath: '/tls', readOnly: true };

/** A service's connections, as in docker compose: its own broker user and role, over TLS. */
function connections(manifest: ServiceManifest) {
  const broker = brokerPasswordVariableOf(manifest);
  const role = databasePasswordVariableOf(manifest);
  return [
    fromSecret(broker),
    fromSecret(role),
    {
      name: 'RABBITMQ_URL',
      value: `amqps://${manifest.brokerUser}:$(${broker})@${RABBITMQ_HOST}:5671`,
    },
    {
      name: manifest.databaseUrlVariable,
      value:
        `postgresql://${databaseRoleOf(manifest)}:$(${role})@postgres:5432/${manifest.database}` +
        '?sslmode=verify-full&sslrootcert=/tls/ca.crt',
    },
  ];
}

const shopSettings = [
  fromSecret('OPERATOR_TOKENS'),
  fromSecret('MESSAGE_KEYS'),
  { name: 'PUBLIC_ROUTES', value: 'health' },
  { name: 'VERIFY_PUBLISHERS', value: 'true' },
  { name: 'TRUSTED_PUBLISHERS', value: 'admin' },
  { name: 'RABBITMQ_CA_FILE', value: '/tls/ca.crt' },
  { name: 'LOG_LEVEL', value: 'info' },
];

function serviceResources(manifest: ServiceManifest): object[] {
  const name = manifest.name;
  const probe = (path: string, periodSeconds: number) => ({
    httpGet: { path, port: 'http' },
    periodSeconds,
    timeoutSeconds: 3,
    failureThreshold: 3,
  });
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, labels: labels(name) },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels(name) },
        template: {
          metadata: { labels: labels(name) },
          spec: {
            containers: [
              {
                name,
                image: 'shopbus:latest',
                ports: [{ name: 'http', containerPort: manifest.port }],
                env: [
                  { name: 'SERVICE', value: name },
                  { name: 'PORT', value: String(manifest.port) },
                  // The topology Job declared everything; the service's user may configure nothing.
                  { name: 'BROKER_TOPOLOGY', value: 'verify' },
                  ...shopSettings,
                  ...connections(manifest),
                ],
                // A read-only root file system: whatever needs scratch space gets /tmp.
                volumeMounts: [caMount, { name: 'tmp', mountPath: '/tmp' }],
                // Live: the process answers. Ready: broker, database, consumers and outbox fine.
                livenessProbe: probe('/health/live', 10),
                readinessProbe: probe('/health/ready', 5),
                startupProbe: { ...probe('/health/live', 2), failureThreshold: 30 },
                resources: {
                  requests: { cpu: '100m', memory: '192Mi' },
                  limits: { cpu: '1', memory: '512Mi' },
                },
                securityContext: {
                  runAsNonRoot: true,
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                },
              },
            ],
            volumes: [caVolume, { name: 'tmp', emptyDir: {} }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels: labels(name) },
      spec: {
        selector: labels(name),
        ports: [{ name: 'http', port: manifest.port, targetPort: 'http' }],
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name },
      spec: { minAvailable: 1, selector: { matchLabels: labels(name) } },
    },
    {
      // KEDA reads no pod's environment or files: what its scalers connect with comes from the
      // Secret (`KEDA_RABBITMQ_URL`: a monitoring user's amqps URL; `<NAME>_DATABASE_URL`: the
      // service's own URL, readable by KEDA's operator).
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'TriggerAuthentication',
      metadata: { name: `${name}-scaling` },
      spec: {
        secretTargetRef: [
          { parameter: 'host', name: SECRETS, key: 'KEDA_RABBITMQ_URL' },
          { parameter: 'connection', name: SECRETS, key: manifest.databaseUrlVariable },
        ],
      },
    },
    {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name },
      spec: {
        scaleTargetRef: { name },
        minReplicaCount: 2,
        maxReplicaCount: 6,
        triggers: [
          // Consumers: a backlog in any of its queues.
          ...manifest.queues.map((queue) => ({
            type: 'rabbitmq',
            metadata: { queueName: queue, mode: 'QueueLength', value: '200' },
            authenticationRef: { name: `${name}-scaling` },
          })),
          // The relay: the oldest due outbox row waiting longer than 5 s.
          {
            type: 'postgresql',
            metadata: {
              query:
                'SELECT COALESCE(EXTRACT(EPOCH FROM now() - MIN(next_attempt_at)), 0) ' +
                'FROM outbox_message WHERE published_at IS NULL AND failed_at IS NULL ' +
                'AND next_attempt_at <= now()',
              targetQueryValue: '5',
            },
            authenticationRef: { name: `${name}-scaling` },
          },
        ],
      },
    },
  ];
}

function brokerResources(manifests: readonly ServiceManifest[]): object[] {
  const cluster = { rabbitmqClusterReference: { name: RABBITMQ } };
  return [
    {
      apiVersion: 'rabbitmq.com/v1beta1',
      kind: 'RabbitmqCluster',
      metadata: { name: RABBITMQ },
      spec: {
        replicas: 3,
        image: 'rabbitmq:3.13-management',
        tls: {
          secretName: 'shopbus-rabbitmq-tls',
          caSecretName: CA_SECRET,
          disableNonTLSListeners: true,
        },
        resources: {
          requests: { cpu: '500m', memory: '1Gi' },
          limits: { cpu: '2', memory: '2Gi' },
        },
        rabbitmq: { additionalConfig: 'cluster_partition_handling = pause_minority\n' },
      },
    },
    ...manifests.flatMap((manifest) => {
      const permissions = servicePermissions(manifest);
      return [
        {
          apiVersion: 'rabbitmq.com/v1beta1',
          kind: 'User',
          metadata: { name: `${manifest.name}-broker-user` },
          spec: {
            ...cluster,
            importCredentialsSecret: { name: `${manifest.name}-broker-credentials` },
          },
        },
        {
          apiVersion: 'rabbitmq.com/v1beta1',
          kind: 'Permission',
          metadata: { name: `${manifest.name}-broker-permission` },
          spec: {
            ...cluster,
            vhost: '/',
            user: manifest.brokerUser,
            permissions: {
              configure: permissions.configure,
              write: permissions.write,
              read: permissions.read,
            },
          },
        },
        {
          apiVersion: 'rabbitmq.com/v1beta1',
          kind: 'TopicPermission',
          metadata: { name: `${manifest.name}-broker-topic-permission` },
          spec: {
            ...cluster,
            vhost: '/',
            user: manifest.brokerUser,
            permissions: {
              exchange: shopExchanges().events,
              write: eventsWritePattern(manifest),
              read: '^$',
            },
          },
        },
      ];
    }),
  ];
}

function jobs(manifests: readonly ServiceManifest[]): object[] {
  const job = (name: string, container: object) => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels: labels(name) },
    spec: {
      backoffLimit: 6,
      template: {
        metadata: { labels: labels(name) },
        spec: { restartPolicy: 'OnFailure', containers: [container], volumes: [caVolume] },
      },
    },
  });
  return [
    job('shopbus-migrate', {
      name: 'migrate',
      image: 'shopbus-migrate:latest',
      env: [
        fromSecret('POSTGRES_PASSWORD'),
        {
          name: 'POSTGRES_URL',
          value:
            'postgresql://postgres:$(POSTGRES_PASSWORD)@postgres:5432/postgres?sslmode=verify-full&sslrootcert=/tls/ca.crt',
        },
        ...manifests.map((manifest) => fromSecret(databasePasswordVariableOf(manifest))),
      ],
      volumeMounts: [caMount],
    }),
    job('shopbus-topology', {
      name: 'topology',
      image: 'shopbus:latest',
      command: [
        'sh',
        '-c',
        'for service in $(ls apps); do node "apps/$service/src/main.js" || exit 1; done',
      ],
      env: [
        { name: 'BROKER_TOPOLOGY', value: 'declare-only' },
        fromSecret('RABBITMQ_ADMIN_PASSWORD'),
        {
          name: 'RABBITMQ_URL',
          value: `amqps://admin:$(RABBITMQ_ADMIN_PASSWORD)@${RABBITMQ_HOST}:5671`,
        },
        { name: 'RABBITMQ_CA_FILE', value: '/tls/ca.crt' },
        { name: 'LOG_LEVEL', value: 'warn' },
      ],
      volumeMounts: [caMount],
    }),
  ];
}

const yamlOf = (documents: readonly object[]) =>
  documents.map((document) => stringify(document, { lineWidth: 0 })).join('---\n');

/** Every file of deploy/k8s, by path, from the manifests. */
export function kubernetesManifests(manifests: readonly ServiceManifest[]): Record<string, string> {
  const header =
    '# Generated from apps/*/service.json by `npm run deploy:generate`; do not edit.\n';
  const files: Record<string, string> = {
    'deploy/k8s/namespace.yaml': yamlOf([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
    ]),
    'deploy/k8s/rabbitmq.yaml': yamlOf(brokerResources(manifests)),
    'deploy/k8s/jobs.yaml': yamlOf(jobs(manifests)),
    ...Object.fromEntries(
      manifests.map((manifest) => [
        `deploy/k8s/${manifest.name}.yaml`,
        yamlOf(serviceResources(manifest)),
      ]),
    ),
  };
  files['deploy/k8s/kustomization.yaml'] = stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: NAMESPACE,
    resources: Object.keys(files).map((file) => file.replace('deploy/k8s/', '')),
  });
  return Object.fromEntries(Object.entries(files).map(([file, text]) => [file, header + text]));
}
