/**
 * The dead-letter queue tool: `npm run dlq -- list <queue>` (or
 * `npx nx run messaging-rabbitmq:dlq -- list <queue>`); `--help` for the rest.
 */
import { runDlqCommand } from '../src/cli/dlq-command';

void runDlqCommand(process.argv.slice(2), {
  print: (line) => process.stdout.write(`${line}\n`),
  printError: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
