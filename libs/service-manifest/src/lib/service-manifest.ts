import { z } from 'zod';

/**
 * What the shop knows about one service, written once in `apps/<name>/service.json` and read by
 * everything that needs it: the service's configuration, its Prisma config, `npm start`,
 * `db:setup`, the demo, the end-to-end harness, `npm run compose:setup` (its broker user and
 * Postgres role, their secrets) and `npm run deploy:check` (docker-compose.yml, .env.example).
 * Adding a service means adding its folder with this file in it.
 */
const manifestSchema = z
  .object({
    /** Its folder under `apps/`, its message source and log name, the prefix of its queues. */
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    /** The HTTP port it listens on unless PORT says otherwise. */
    port: z.number().int().min(1024).max(65535),
    /** Its own Postgres database; no other service reads or writes it. */
    database: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case SQL identifier'),
    /** The variable that holds its database URL; unset, the database on the local Postgres. */
    databaseUrlVariable: z.string().regex(/^[A-Z][A-Z0-9_]*_DATABASE_URL$/, '<NAME>_DATABASE_URL'),
    /** Its RabbitMQ user where each service has its own (docker compose, deployments). */
    brokerUser: z.string().regex(/^[a-z][a-z0-9-]*$/),
    /**
     * The queues it consumes (its endpoints); their retry and dead-letter queues follow from
     * them. A service that consumes any other queue fails at start, so this list stays true.
     */
    queues: z.array(z.string().min(1)),
    /**
     * The first word of every event type it publishes (`shipment` for `shipment.created`, …):
     * its broker user may publish on the shop's events exchange with those routing keys only
     * (topic permissions in the broker's definitions), besides fault events. Default none.
     */
    events: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/, 'one lower-case word')).default([]),
  })
  .strict()
  .superRefine((manifest, context) => {
    for (const queue of manifest.queues) {
      if (!queue.startsWith(`${manifest.name}.`)) {
        context.addIssue({
          code: 'custom',
          path: ['queues'],
          message: `queue "${queue}" must start with "${manifest.name}." (a service owns its queues by name)`,
        });
      }
    }
  });

export type ServiceManifest = z.infer<typeof manifestSchema>;

/** Validates a parsed `service.json`; `where` names it in the error. */
export function parseServiceManifest(value: unknown, where: string): ServiceManifest {
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`${where} is not a valid service manifest:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
