import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A PostgreSQL cluster of a rig's own (Debian's pg_createcluster, on its own port, trust
 * auth), so that restarting it disturbs no one else on the machine. Dropped at the end.
 */
export class OwnDatabase {
  private constructor(
    readonly version: string,
    readonly cluster: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /**
   * Creates and starts the cluster. `settings` are server parameters
   * (e.g. `shared_preload_libraries=pg_stat_statements`).
   */
  static async start(port: number, settings: string[] = []): Promise<OwnDatabase> {
    const { stdout } = await run('ls', ['/etc/postgresql']);
    const version = stdout.trim().split('\n')[0];
    const database = new OwnDatabase(version, `shopbus_rig_${port}`, port);
    await run('pg_createcluster', [
      version,
      database.cluster,
      '-p',
      String(port),
      ...settings.flatMap((setting) => ['-o', setting]),
      '--',
      '--auth=trust',
    ]);
    await database.ctl('start');
    return database;
  }

  /** pg_ctlcluster start|stop|restart, with `-m immediate` for a crash-like stop. */
  ctl(action: 'start' | 'stop' | 'restart', immediate = false): Promise<unknown> {
    return run('pg_ctlcluster', [
      '--skip-systemctl-redirect',
      this.version,
      this.cluster,
      action,
      ...(immediate ? ['-m', 'immediate'] : []),
    ]);
  }

  /** The postmaster's process id (its children are the connections and background workers). */
  pid(): number {
    const file = `/var/lib/postgresql/${this.version}/${this.cluster}/postmaster.pid`;
    return Number(readFileSync(file, 'utf8').split('\n')[0]);
  }

  async drop(): Promise<void> {
    await run('pg_dropcluster', [this.version, this.cluster, '--stop']).catch(() => undefined);
  }
}
