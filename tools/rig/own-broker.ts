import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';

const run = promisify(execFile);

/**
 * A RabbitMQ node of a rig's own (its node name, ports, data folder and config), so that
 * stopping or killing it disturbs no one else on the machine. Uses the Debian package's
 * `rabbitmq-server` and `rabbitmqctl`, as the machine's own node does.
 */
export class OwnBroker {
  private constructor(
    readonly node: string,
    readonly port: number,
    private readonly folder: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }

  static async start(port: number): Promise<OwnBroker> {
    const folder = mkdtempSync(path.join(tmpdir(), 'shopbus-rig-broker-'));
    writeFileSync(
      path.join(folder, 'rabbitmq.conf'),
      `listeners.tcp.local = 127.0.0.1:${port}\nloopback_users = none\n`,
    );
    writeFileSync(path.join(folder, 'enabled_plugins'), '[].\n');
    // The server runs as the rabbitmq user: its folder must be that user's.
    const { stdout } = await run('id', ['-u', 'rabbitmq']);
    const uid = Number(stdout.trim());
    for (const entry of ['', 'rabbitmq.conf', 'enabled_plugins']) {
      chownSync(path.join(folder, entry), uid, uid);
    }
    chmodSync(folder, 0o755);
    const node = `shopbus-rig-${port}@localhost`;
    const broker = new OwnBroker(node, port, folder, {
      ...process.env,
      RABBITMQ_NODENAME: node,
      RABBITMQ_NODE_PORT: String(port),
      RABBITMQ_DIST_PORT: String(port + 1),
      RABBITMQ_MNESIA_BASE: path.join(folder, 'mnesia'),
      RABBITMQ_LOG_BASE: path.join(folder, 'log'),
      RABBITMQ_CONFIG_FILE: path.join(folder, 'rabbitmq.conf'),
      RABBITMQ_ENABLED_PLUGINS_FILE: path.join(folder, 'enabled_plugins'),
    });
    await broker.launch();
    return broker;
  }

  /** Starts the node (again: its data is kept) and waits until it takes connections. */
  async launch(): Promise<void> {
    await run('rabbitmq-server', ['-detached'], { env: this.env });
    for (let tries = 0; ; tries += 1) {
      try {
        await this.ctl('await_startup');
        return;
      } catch (error) {
        if (tries > 120) throw error;
        await sleep(500);
      }
    }
  }

  ctl(...args: string[]): Promise<unknown> {
    return run('rabbitmqctl', ['-n', this.node, ...args], { env: this.env });
  }

  /** Ready messages per queue. */
  async queueDepths(): Promise<Record<string, number>> {
    const { stdout } = await run(
      'rabbitmqctl',
      ['-n', this.node, '-q', 'list_queues', 'name', 'messages_ready', '--no-table-headers'],
      { env: this.env },
    );
    const depths: Record<string, number> = {};
    for (const line of stdout.trim().split('\n')) {
      const [name, ready] = line.trim().split(/\s+/);
      if (name) depths[name] = Number(ready);
    }
    return depths;
  }

  /** The Erlang VM's process id, for kill -9 (and its CPU time). */
  async pid(): Promise<number> {
    const { stdout } = await run('rabbitmqctl', ['-n', this.node, '-q', 'eval', 'os:getpid().'], {
      env: this.env,
    });
    return Number(stdout.trim().replaceAll('"', ''));
  }

  async stop(): Promise<void> {
    await this.ctl('stop').catch(() => undefined);
    rmSync(this.folder, { recursive: true, force: true });
  }
}
