import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { kubernetesManifests } from '../kubernetes-manifests';
import { cartManifest } from './cart-manifest.fixture';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '../../..');

/** The documents of one generated file, as objects. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- read as the YAML says
type Document = { kind: string; spec: any };
const documentsOf = (file: string) =>
  parseAllDocuments(kubernetesManifests([cartManifest])[file]).map(
    (document) => document.toJS() as Document,
  );

describe('the Kubernetes manifests', () => {
  it('give each service a Deployment probed on its split health routes, a PDB and autoscaling', () => {
    const [deployment, service, budget, authentication, scaled] =
      documentsOf('deploy/k8s/cart.yaml');
    expect([deployment, service, budget, authentication, scaled].map((d) => d.kind)).toEqual([
      'Deployment',
      'Service',
      'PodDisruptionBudget',
      'TriggerAuthentication',
      'ScaledObject',
    ]);
    const container = deployment.spec.template.spec.containers[0];
    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(container.env).toContainEqual({ name: 'BROKER_TOPOLOGY', value: 'verify' });
    expect(budget.spec).toMatchObject({ minAvailable: 1 });
    const triggers = scaled.spec.triggers as { type: string; metadata: { queueName?: string } }[];
    expect(triggers.map((t) => [t.type, t.metadata.queueName])).toEqual([
      ['rabbitmq', 'cart.check-abandonment'],
      ['postgresql', undefined],
    ]);
  });

  it('give each service’s broker user the permissions of the compose definitions: configure nothing', () => {
    const permission = documentsOf('deploy/k8s/rabbitmq.yaml').find((d) => d.kind === 'Permission');
    expect(permission?.spec.permissions.configure).toBe('^$');
  });

  it('are refused by the validator where they break the schemas, each problem named', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'shopbus-k8s-'));
    const file = path.join(dir, 'broken.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: broken}\nspec: {replicas: two}',
        'apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: s}\nspec: {triggers: []}',
        'apiVersion: rabbitmq.com/v1beta1\nkind: User\nmetadata: {name: u}\nspec: {}',
        'apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: t}',
      ].join('\n---\n'),
    );
    try {
      const refused = run(
        path.join(ROOT, 'node_modules/.bin/tsx'),
        ['--tsconfig', 'tsconfig.base.json', 'tools/deploy/validate-kubernetes.ts', file],
        { cwd: ROOT },
      );
      await expect(refused).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(
          /Deployment broken: .*required property template.*data\/spec\/replicas must be integer[\s\S]*ScaledObject s: data\/spec must have required property scaleTargetRef[\s\S]*User u: spec.rabbitmqClusterReference.name is required[\s\S]*Thing t: no schema for example.com\/v1 Thing/,
        ),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
