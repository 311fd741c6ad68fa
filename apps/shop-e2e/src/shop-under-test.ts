import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { readServiceManifests } from '@shopbus/service-manifest';
import { createTestVhost, TestDatabase, until, type TestVhost } from '@shopbus/testing';

const ROOT = path.join(__dirname, '../../..');

/** Every service of the workspace (its manifest), each started as `npm start` starts it. */
const SERVICES = readServiceManifests(ROOT);

export type ServiceName = string;

/**
 * The whole shop for an end-to-end test: every service as a process (started like `npm start`
 * starts them), each with its own freshly migrated database, all in one RabbitMQ virtual host
 * of their own. Tests talk to them over HTTP only.
 */
export class ShopUnderTest {
  private constructor(
    readonly urls: Record<ServiceName, string>,
    /** The operator token the services were started with (a fresh one per run). */
    readonly operatorToken: string,
    private readonly processes: ChildProcess[],
    private readonly databases: TestDatabase[],
    private readonly vhost: TestVhost,
    readonly logs: string[],
  ) {}

  static async start(env: Record<string, string>): Promise<ShopUnderTest> {
    const vhost = await createTestVhost('shop');
    const databases = await Promise.all(
      SERVICES.map(({ name }) =>
        TestDatabase.create(`e2e_${name}`, path.join(ROOT, 'apps', name, 'prisma', 'migrations')),
      ),
    );
    const logs: string[] = [];
    const urls = {} as Record<ServiceName, string>;
    const operatorToken = randomBytes(24).toString('base64url');
    const messageKeys = `e2e:${randomBytes(32).toString('base64')}`;
    const processes: ChildProcess[] = [];
    for (const [index, service] of SERVICES.entries()) {
      const port = await freePort();
      urls[service.name] = `http://127.0.0.1:${port}`;
      const child = spawn(
        process.execPath,
        ['-r', '@swc-node/register', path.join('apps', service.name, 'src', 'main.ts')],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            ...env,
            SWC_NODE_PROJECT: path.join('apps', service.name, 'tsconfig.json'),
            PORT: String(port),
            RABBITMQ_URL: vhost.url,
            [service.databaseUrlVariable]: databases[index].url,
            LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
            OPERATOR_TOKENS: `e2e:write:${operatorToken}`,
            // Every checkout of the tests comes from this one client.
            CHECKOUT_RATE_LIMIT: '100000',
            // Personal data travels encrypted, as in production: every flow runs through it.
            MESSAGE_KEYS: messageKeys,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const keep = (chunk: Buffer) => logs.push(`${service.name}: ${chunk.toString().trimEnd()}`);
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      processes.push(child);
    }
    const shop = new ShopUnderTest(urls, operatorToken, processes, databases, vhost, logs);
    try {
      await Promise.all(
        SERVICES.map(({ name }) =>
          until(() => healthy(urls[name], operatorToken), `${name} healthy`, 45_000),
        ),
      );
    } catch (error) {
      await shop.stop();
      throw new Error(`${(error as Error).message}\n${logs.slice(-20).join('\n')}`);
    }
    return shop;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.processes.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    await Promise.all(this.databases.map((database) => database.drop()));
    await this.vhost.delete();
  }
}

async function healthy(url: string, operatorToken: string): Promise<boolean> {
  try {
    const answer = await fetch(`${url}/health`, {
      headers: { authorization: `Bearer ${operatorToken}` },
    });
    return answer.status === 200;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(),
      );
    });
  });
}
