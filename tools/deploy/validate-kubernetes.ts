/**
 * Checks Kubernetes manifests against their schemas: the core kinds with `kubernetes-models`, the
 * KEDA kinds with `@kubernetes-models/keda` (JSON schemas of the APIs, validated with ajv). The
 * RabbitMQ operators' kinds have no schema package on the npm registry: they are named and checked
 * for the fields this repository relies on, so that nothing passes unchecked by accident.
 *
 *   tsx tools/deploy/validate-kubernetes.ts <file.yaml> …    exit 1 with every problem
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  spec?: Record<string, unknown>;
}

type Validator = (manifest: Manifest) => void;

/** The model class of `apiVersion`/`kind`, whose `validate()` throws what is wrong. */
async function modelValidator(manifest: Manifest): Promise<Validator | undefined> {
  const [group, version] = (manifest.apiVersion ?? '').includes('/')
    ? (manifest.apiVersion as string).split('/')
    : ['', manifest.apiVersion ?? ''];
  const modules: Record<string, () => Promise<Record<string, unknown>>> = {
    '': () => import(`kubernetes-models/${version}`),
    apps: () => import(`kubernetes-models/apps/${version}`),
    batch: () => import(`kubernetes-models/batch/${version}`),
    policy: () => import(`kubernetes-models/policy/${version}`),
    'keda.sh': () => import(`@kubernetes-models/keda/keda.sh/${version}`),
  };
  const load = modules[group];
  if (!load) return undefined;
  const Model = (await load())[manifest.kind ?? ''] as
    (new (data: unknown) => { validate(): void }) | undefined;
  return Model && ((data) => new Model(data).validate());
}

/** The RabbitMQ Cluster Operator's and Messaging Topology Operator's kinds used here. */
const operatorKinds: Record<string, (spec: Record<string, unknown>) => string[]> = {
  RabbitmqCluster: (spec) =>
    typeof spec['replicas'] === 'number' ? [] : ['spec.replicas must be a number'],
  User: (spec) => requireCluster(spec),
  Permission: (spec) => [
    ...requireCluster(spec),
    ...['configure', 'write', 'read']
      .filter((key) => typeof (spec['permissions'] as Record<string, unknown>)?.[key] !== 'string')
      .map((key) => `spec.permissions.${key} must be a string`),
  ],
  TopicPermission: (spec) => [
    ...requireCluster(spec),
    ...(typeof (spec['permissions'] as Record<string, unknown>)?.['exchange'] === 'string'
      ? []
      : ['spec.permissions.exchange must be a string']),
  ],
};

function requireCluster(spec: Record<string, unknown>): string[] {
  const reference = spec['rabbitmqClusterReference'] as { name?: unknown } | undefined;
  return typeof reference?.name === 'string'
    ? []
    : ['spec.rabbitmqClusterReference.name is required'];
}

export async function validateKubernetesYaml(file: string, text: string): Promise<string[]> {
  const problems: string[] = [];
  for (const document of parseAllDocuments(text)) {
    const manifest = document.toJS() as Manifest | null;
    if (!manifest) continue;
    const where = `${file}: ${manifest.kind ?? '?'} ${manifest.metadata?.name ?? '?'}`;
    if (manifest.kind === 'Kustomization') continue;
    if (manifest.apiVersion === 'rabbitmq.com/v1beta1' && operatorKinds[manifest.kind ?? '']) {
      problems.push(
        ...operatorKinds[manifest.kind as string](manifest.spec ?? {}).map((p) => `${where}: ${p}`),
      );
      continue;
    }
    const validate = await modelValidator(manifest);
    if (!validate) {
      problems.push(`${where}: no schema for ${manifest.apiVersion} ${manifest.kind}`);
      continue;
    }
    try {
      validate(manifest);
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
    }
  }
  return problems;
}

async function main(files: string[]): Promise<void> {
  const problems = (
    await Promise.all(files.map((file) => validateKubernetesYaml(file, readFileSync(file, 'utf8'))))
  ).flat();
  if (problems.length > 0) {
    console.error(problems.map((problem) => `- ${problem}`).join('\n'));
    process.exit(1);
  }
  console.log(`${files.length} Kubernetes manifest files valid`);
}

if (require.main === module) void main(process.argv.slice(2));
