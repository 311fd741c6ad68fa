import type { ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { databaseUrlOf, type ServiceManifest } from '@shopbus/service-manifest';
import { asShopOperator } from '../shop/operator-token';
import { SERVICES } from '../shop/services';
import { setUpDatabase } from '../shop/setup-databases';
import { spawnService } from '../shop/spawn-service';

/**
 * The shop's settings for the rigs (chaos, benchmark): orders end delivered within seconds,
 * failures retry fast, logs at warn. `settings` in `start` overrides any of them.
 */
const SETTINGS: Readonly<Record<string, string>> = {
  COURIER_SIMULATION: 'true',
  COURIER_DISPATCH_AFTER_MS: '1000',
  COURIER_DELIVER_AFTER_MS: '1000',
  ORDER_DISPATCH_DEADLINE_MS: '600000',
  CART_ABANDON_AFTER_MS: '600000',
  OUTBOX_POLL_INTERVAL_MS: '250',
  REDELIVERY_DELAYS_MS: '1000,5000,15000',
  LOG_LEVEL: 'warn',
  // The rigs drive every checkout from this one client, far above a customer's rate.
  CHECKOUT_RATE_LIMIT: '100000',
};

/**
 * Every service of the shop as a process of its own, on a rig's own broker and database and on
 * ports of its own; each one can be killed, stopped (SIGSTOP) and started again. Logs go to a
 * file per service in the run's folder.
 */
export class OwnShop {
  private readonly processes = new Map<string, ChildProcess>();
  private readonly logs = new Map<string, WriteStream>();
  private readonly killedOnPurpose = new Set<ChildProcess>();
  private stopping = false;
  readonly urls: Record<string, string> = {};
  /** Services that exited without the rig killing them: no fault may take a service down. */
  readonly unexpectedExits: string[] = [];

  private constructor(
    private readonly env: Record<string, string>,
    private readonly portBase: number,
    private readonly logFolder: string,
    private readonly profileFolder?: string,
  ) {}

  static async start(options: {
    rabbitmqUrl: string;
    postgresUrl: string;
    portBase: number;
    logFolder: string;
    settings?: Record<string, string>;
    /** Each service runs under `node --cpu-prof` and writes `<service>-<time>.cpuprofile` there as it stops. */
    profileFolder?: string;
  }): Promise<OwnShop> {
    // db:setup reads the server from POSTGRES_URL, as `npm start` does.
    process.env['POSTGRES_URL'] = options.postgresUrl;
    for (const service of SERVICES) delete process.env[service.databaseUrlVariable];
    await Promise.all(SERVICES.map(setUpDatabase));
    const shop = new OwnShop(
      {
        ...SETTINGS,
        ...options.settings,
        RABBITMQ_URL: options.rabbitmqUrl,
        POSTGRES_URL: options.postgresUrl,
      },
      options.portBase,
      options.logFolder,
      options.profileFolder,
    );
    SERVICES.forEach((service) => shop.launch(service));
    await shop.untilReady(90_000);
    return shop;
  }

  get services(): readonly ServiceManifest[] {
    return SERVICES;
  }

  private launch(service: ServiceManifest): void {
    const port = this.portBase + SERVICES.indexOf(service);
    this.urls[service.name] = `http://127.0.0.1:${port}`;
    let log = this.logs.get(service.name);
    if (!log) {
      log = createWriteStream(path.join(this.logFolder, `${service.name}.log`), { flags: 'a' });
      this.logs.set(service.name, log);
    }
    const sink = log;
    const child = spawnService(
      service,
      {
        ...this.env,
        PORT: String(port),
        [service.databaseUrlVariable]: databaseUrlOf(service, this.env),
      },
      (line) => sink.write(`${line}\n`),
      this.profileFolder
        ? [
            '--cpu-prof',
            `--cpu-prof-dir=${this.profileFolder}`,
            `--cpu-prof-name=${service.name}-${Date.now()}.cpuprofile`,
          ]
        : [],
    );
    child.once('exit', (code, signal) => {
      if (!this.stopping && !this.killedOnPurpose.has(child)) {
        this.unexpectedExits.push(`${service.name} exited (${signal ?? code})`);
      }
    });
    this.processes.set(service.name, child);
  }

  /** kill -9, as a crash or the OOM killer would; then the process is started again. */
  async crashAndRestart(name: string): Promise<void> {
    const child = this.processes.get(name);
    if (!child) throw new Error(`no service ${name}`);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    this.killedOnPurpose.add(child);
    child.kill('SIGKILL');
    await exited;
    this.launch(this.manifest(name));
  }

  /** The process id of a service (for its CPU time). */
  pid(name: string): number | undefined {
    return this.processes.get(name)?.pid;
  }

  /** SIGSTOP / SIGCONT: a process frozen (a long GC pause, a stuck host), then thawed. */
  signal(name: string, signal: 'SIGSTOP' | 'SIGCONT'): void {
    this.processes.get(name)?.kill(signal);
  }

  /** True when every service answers /health/ready with 200. */
  async ready(): Promise<boolean> {
    const answers = await Promise.all(
      Object.values(this.urls).map((url) =>
        fetch(`${url}/health/ready`, {
          headers: asShopOperator(),
          signal: AbortSignal.timeout(2000),
        })
          .then((response) => response.status === 200)
          .catch(() => false),
      ),
    );
    return answers.every(Boolean);
  }

  /** Resolves with the milliseconds it took every service to be ready; throws past `timeoutMs`. */
  async untilReady(timeoutMs: number): Promise<number> {
    const started = Date.now();
    while (!(await this.ready())) {
      if (this.unexpectedExits.length) {
        throw new Error(`${this.unexpectedExits.join(', ')} (logs: ${this.logFolder})`);
      }
      if (Date.now() - started > timeoutMs) {
        throw new Error(
          `the shop was not ready within ${timeoutMs / 1000} s (logs: ${this.logFolder})`,
        );
      }
      await sleep(250);
    }
    return Date.now() - started;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.processes.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGCONT');
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
          }),
      ),
    );
    for (const log of this.logs.values()) log.end();
  }

  private manifest(name: string): ServiceManifest {
    const found = SERVICES.find((service) => service.name === name);
    if (!found) throw new Error(`no service ${name}`);
    return found;
  }
}
