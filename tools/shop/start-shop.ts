/**
 * `npm start`: the whole shop on this machine, without Docker. Sets up the four databases
 * (created and migrated), then starts the four services, each exactly as its Docker image does
 * (`node -r @swc-node/register apps/<service>/src/main.ts`), with its log lines prefixed by its
 * name. Each service declares the topology it needs as it connects. Ctrl-C stops them all
 * cleanly (SIGTERM: handlers and relays drain first); if one dies, the others are stopped too.
 *
 * The demo's settings (the courier simulation on, short deadlines) are defaults here; any of them
 * can be overridden from the environment.
 */
import type { ChildProcess } from 'node:child_process';
import { databaseUrlOf } from '@shopbus/service-manifest';
import { portOf, SERVICES, urlOf } from './services';
import { setUpDatabase } from './setup-databases';
import { spawnService } from './spawn-service';

export const DEMO_SETTINGS: Readonly<Record<string, string>> = {
  COURIER_SIMULATION: 'true',
  COURIER_DISPATCH_AFTER_MS: '3000',
  COURIER_DELIVER_AFTER_MS: '3000',
  ORDER_DISPATCH_DEADLINE_MS: '12000',
  CART_ABANDON_AFTER_MS: '60000',
  OUTBOX_POLL_INTERVAL_MS: '250',
  REDELIVERY_DELAYS_MS: '1000,3000',
};

const COLOURS = [36, 35, 33, 32, 34, 31];

async function main(): Promise<void> {
  await Promise.all(SERVICES.map(setUpDatabase));
  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`stopping the shop (${signal})`);
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  };

  for (const [index, service] of SERVICES.entries()) {
    const prefix = `\x1b[${COLOURS[index % COLOURS.length]}m${service.name.padEnd(12)}\x1b[0m| `;
    const child = spawnService(
      service,
      {
        ...DEMO_SETTINGS,
        ...process.env,
        PORT: String(portOf(service)),
        [service.databaseUrlVariable]: databaseUrlOf(service),
      },
      (line) => process.stdout.write(`${prefix}${line}\n`),
    );
    child.on('exit', (code, signal) => {
      process.stdout.write(`${prefix}exited (${signal ?? code})\n`);
      if (!stopping) {
        process.exitCode = 1;
        stopAll('SIGTERM');
      }
    });
    children.push(child);
  }
  process.on('SIGINT', () => stopAll('SIGINT'));
  process.on('SIGTERM', () => stopAll('SIGTERM'));
  console.log(
    `the shop is starting: ${SERVICES.map((s) => `${s.name} ${urlOf(s)}/docs`).join(', ')}`,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
