import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One node of a local cluster: its Erlang node name and where AMQP clients reach it. */
export interface ClusterNode {
  readonly name: string;
  readonly amqpPort: number;
  readonly url: string;
}

export interface LocalRabbitClusterOptions {
  /** Nodes in the cluster. Default 3. */
  size?: number;
  /**
   * AMQP ports are basePort, basePort+1, …; Erlang distribution ports basePort+100, … Keep clear
   * of the machine's own node: 5672, its distribution port 25672 and its command-line tools'
   * 35672–35682 (a clash stops a node at start with eaddrinuse).
   */
  basePort: number;
  /** Prefix of the node names (`<prefix>-1@localhost`, …), unique per run. */
  prefix: string;
}

/**
 * A RabbitMQ cluster of several nodes on this machine, started from the installed
 * rabbitmq-server (as root, beside the machine's own node: their own node names, ports, data and
 * log directories under the system's temp directory, no plugins), clustered with `join_cluster`,
 * and torn down with everything it wrote. For tests that kill and restart a node.
 */
export class LocalRabbitCluster {
  private constructor(
    readonly nodes: readonly ClusterNode[],
    private readonly dir: string,
    private readonly sbin: string,
  ) {}

  static async start(options: LocalRabbitClusterOptions): Promise<LocalRabbitCluster> {
    const size = options.size ?? 3;
    const dir = path.join(tmpdir(), `${options.prefix}-cluster`);
    rmSync(dir, { recursive: true, force: true });
    const nodes = Array.from({ length: size }, (_, index) => {
      const amqpPort = options.basePort + index;
      return {
        name: `${options.prefix}-${index + 1}@localhost`,
        amqpPort,
        url: `amqp://guest:guest@127.0.0.1:${amqpPort}`,
      };
    });
    const cluster = new LocalRabbitCluster(nodes, dir, rabbitmqSbin());
    try {
      await Promise.all(nodes.map((node) => cluster.boot(node)));
      const [first, ...others] = nodes;
      for (const node of others) {
        await cluster.ctl(node, 'stop_app');
        await cluster.ctl(node, 'join_cluster', first.name);
        await cluster.ctl(node, 'start_app');
      }
      await cluster.ctl(first, 'await_online_nodes', String(size));
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** Kills the node's Erlang VM at once (SIGKILL): a crash, not a shutdown. */
  async kill(node: ClusterNode): Promise<void> {
    const pids = processesOf(node);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    for (let waited = 0; pids.some(isAlive) && waited < 10_000; waited += 50) await pause(50);
  }

  /** Starts a node again on its data (after `kill`), waiting until it runs. */
  async restart(node: ClusterNode): Promise<void> {
    await this.boot(node);
  }

  /** The node leading a quorum queue right now (`rabbitmqctl list_queues leader`). */
  async leaderOf(queue: string, askNode: ClusterNode): Promise<ClusterNode> {
    const { stdout } = await this.ctl(
      askNode,
      'list_queues',
      '-q',
      '--no-table-headers',
      'name',
      'leader',
    );
    const line = stdout.split('\n').find((row) => row.split('\t')[0] === queue);
    const leader = line?.split('\t')[1]?.trim();
    const node = this.nodes.find((candidate) => candidate.name === leader);
    if (!node) throw new Error(`No leader found for ${queue}: ${stdout.trim() || 'no such queue'}`);
    return node;
  }

  /** Stops every node (whatever state it is in) and deletes their directories. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => this.kill(node)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async boot(node: ClusterNode): Promise<void> {
    const home = this.home(node);
    mkdirSync(home, { recursive: true });
    writeFileSync(
      path.join(home, 'rabbitmq.conf'),
      [`listeners.tcp.default = 127.0.0.1:${node.amqpPort}`, 'loopback_users = none', ''].join(
        '\n',
      ),
    );
    writeFileSync(path.join(home, 'enabled_plugins'), '[].\n');
    // Run in the node's own folder: what the Erlang VM writes to its working directory (a crash
    // dump, Mnesia's core files) stays there and goes with it, never into the caller's tree.
    await run(path.join(this.sbin, 'rabbitmq-server'), ['-detached'], {
      env: this.env(node),
      cwd: home,
    });
    // `wait` waits for the pid file, then for the node to run (await_startup needs it reachable).
    await this.ctl(node, 'wait', this.pidFile(node), '--timeout', '90');
  }

  private ctl(node: ClusterNode, ...args: string[]) {
    return run(path.join(this.sbin, 'rabbitmqctl'), ['-n', node.name, ...args], {
      env: this.env(node),
      cwd: this.home(node),
      timeout: 120_000,
    });
  }

  private env(node: ClusterNode): NodeJS.ProcessEnv {
    const home = this.home(node);
    return {
      ...process.env,
      RABBITMQ_NODENAME: node.name,
      RABBITMQ_NODE_PORT: String(node.amqpPort),
      RABBITMQ_DIST_PORT: String(node.amqpPort + 100),
      RABBITMQ_MNESIA_BASE: path.join(home, 'mnesia'),
      RABBITMQ_LOG_BASE: path.join(home, 'log'),
      RABBITMQ_CONFIG_FILE: path.join(home, 'rabbitmq'),
      RABBITMQ_ENABLED_PLUGINS_FILE: path.join(home, 'enabled_plugins'),
      RABBITMQ_PID_FILE: this.pidFile(node),
      ERL_CRASH_DUMP: path.join(home, 'erl_crash.dump'),
      // Not the machine's own node's settings (its name, its listener).
      RABBITMQ_CONF_ENV_FILE: '/dev/null',
      ERL_EPMD_ADDRESS: '127.0.0.1',
    };
  }

  private home(node: ClusterNode): string {
    return path.join(this.dir, node.name.split('@')[0]);
  }

  private pidFile(node: ClusterNode): string {
    return path.join(this.home(node), 'pid');
  }
}

/** The installed server's own scripts (not Debian's wrappers, which switch to the rabbitmq user). */
function rabbitmqSbin(): string {
  const lib = '/usr/lib/rabbitmq/lib';
  const server = existsSync(lib)
    ? readdirSync(lib).find((entry) => entry.startsWith('rabbitmq_server-'))
    : undefined;
  if (!server) throw new Error(`No RabbitMQ server installed under ${lib}`);
  return path.join(lib, server, 'sbin');
}

/**
 * The node's Erlang VM, found by the node name in its environment (the server scripts pass it
 * there, not on the command line): also one still starting, before it wrote its pid file.
 */
function processesOf(node: ClusterNode): number[] {
  const marker = `RABBITMQ_NODENAME=${node.name}`;
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return (
          command.includes('beam.smp') &&
          readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker)
        );
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    })
    .map(Number);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
