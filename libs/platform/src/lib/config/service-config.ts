import type { TracingConfig } from '../tracing/service-tracing';
import { readFileSync } from 'node:fs';
import { MessageKeyRing } from '@shopbus/messaging-core';
import {
  topologyModes,
  type BrokerTls,
  type QueueKind,
  type TopologyMode,
} from '@shopbus/messaging-rabbitmq';
import { databaseUrlOf, type ServiceManifest } from '@shopbus/service-manifest';
import { z } from 'zod';
import { parseOperatorTokens, parsePublicRoutes } from '../operators/operators';
import type { OperatorAccess } from '../operators/operator.guard';

/**
 * What every service reads from its environment, with defaults that work on a machine running
 * RabbitMQ and Postgres locally (and in docker compose, where the variables are set).
 */
export interface ServiceConfig {
  serviceName: string;
  /** The service's manifest (`apps/<name>/service.json`): its identity, database and queues. */
  manifest: ServiceManifest;
  port: number;
  databaseUrl: string;
  /**
   * The broker (`RABBITMQ_URL`), or the nodes of a cluster, comma-separated: a failed attempt
   * or a lost connection moves to the next (`RABBITMQ_ADDRESS_ORDER=in-order|shuffled`,
   * default shuffled, so that a service's replicas spread over the nodes).
   */
  rabbitmqUrls: readonly string[];
  rabbitmqAddressOrder: 'in-order' | 'shuffled';
  /**
   * For an amqps:// URL: the PEM files of the authority the broker's certificate is verified by
   * (`RABBITMQ_CA_FILE`; else the system's roots) and of a client certificate
   * (`RABBITMQ_CERT_FILE`, `RABBITMQ_KEY_FILE`) for a broker that asks for one.
   */
  rabbitmqTls?: BrokerTls;
  /**
   * Who declares the broker topology (`BROKER_TOPOLOGY`): `declare` (default: the service, at
   * start), `verify` (an administrator did; the service checks it exists and needs no configure
   * permission), or `declare-only` (the administrator's run: declare, then exit).
   */
  brokerTopology: TopologyMode;
  /**
   * The kind of the endpoints' queues, their retry and dead-letter queues (`QUEUE_TYPE`):
   * `quorum` (default: replicated, at-least-once dead-lettering, a delivery limit as backstop)
   * or `classic`. A queue that exists as the other kind stops the service at start, named.
   */
  queueKind: QueueKind;
  /**
   * Most messages of the idempotent endpoints handled in one database transaction
   * (`INBOX_GROUP_COMMIT`, default 16; 1 gives each message a transaction of its own): see the
   * messaging library's InboxGroupCommit.
   */
  inboxGroupCommit: number;
  /** Prefix of the shop's exchanges (`shop` → `shop.events`, …); tests use their own. */
  exchangePrefix: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * How often the outbox relay looks for due rows without a NOTIFY: the lateness of scheduled
   * messages (timeouts, the courier). Default 1000 ms.
   */
  outboxPollIntervalMs: number;
  /** A due outbox row waiting longer than this makes the service not ready. Default 60 s. */
  outboxStallAfterMs: number;
  /** Delays between redeliveries of a failing message; default the library's 1 s, 10 s, 60 s. */
  redeliveryDelaysMs?: number[];
  /**
   * Who may use the operator routes (`OPERATOR_TOKENS`, or the file `OPERATOR_TOKENS_FILE`
   * names, e.g. a Docker secret), and which of /health and /metrics are open to anyone
   * (`PUBLIC_ROUTES`). Without operators every operator route answers 401.
   */
  operatorAccess: OperatorAccess;
  /**
   * The keys personal-data messages are encrypted with on the wire (`MESSAGE_KEYS`, or the file
   * `MESSAGE_KEYS_FILE` names: `id:base64-32-bytes,…`, the first encrypts). Every service of
   * the shop needs the same ring. Unset: such messages travel in clear.
   */
  messageKeyRing?: MessageKeyRing;
  /**
   * Believe a message's source only from the broker user of that name (`VERIFY_PUBLISHERS=true`,
   * where each service has its own user, as in docker compose), or from one of the
   * `trustedPublishers` (`TRUSTED_PUBLISHERS`, comma-separated: operators and their tools).
   * Off by default: with one user for every service (npm start) there is nothing to verify.
   */
  verifyPublishers: boolean;
  trustedPublishers: string[];
  /**
   * Where the service sends its OpenTelemetry spans (`OTEL_EXPORTER_OTLP_ENDPOINT`, an OTLP/HTTP
   * collector's base URL; `OTEL_BSP_SCHEDULE_DELAY`, default 5000 ms between batches;
   * `OTEL_TRACES_SAMPLER=parentbased_traceidratio` with `OTEL_TRACES_SAMPLER_ARG` records that
   * share of the traces the service begins). Unset: no tracing, no cost.
   */
  tracing?: TracingConfig;
}

const environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  RABBITMQ_URL: z
    .string()
    .default('amqp://guest:guest@127.0.0.1:5672')
    .transform((text) => text.split(',').map((url) => url.trim()))
    .pipe(z.array(z.url({ protocol: /^amqps?$/, error: 'an amqp:// or amqps:// URL' })).min(1)),
  RABBITMQ_ADDRESS_ORDER: z.enum(['in-order', 'shuffled']).default('shuffled'),
  EXCHANGE_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9.-]*$/)
    .default('shop'),
  QUEUE_TYPE: z.enum(['quorum', 'classic']).default('quorum'),
  INBOX_GROUP_COMMIT: z.coerce.number().int().min(1).max(256).default(16),
  BROKER_TOPOLOGY: z.enum(topologyModes as [TopologyMode, ...TopologyMode[]]).default('declare'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url({ protocol: /^https?$/, error: 'an http:// or https:// URL' })
    .optional(),
  // The two parent-based samplers of OpenTelemetry's environment variables: a service follows
  // the trace it joins, and decides (all, or a share) only for the traces it begins.
  OTEL_TRACES_SAMPLER: z
    .enum(['parentbased_always_on', 'parentbased_traceidratio'])
    .default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce
    .number({ error: 'a number from 0 to 1' })
    .min(0, 'a number from 0 to 1')
    .max(1, 'a number from 0 to 1')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Parses the environment; a bad value stops the service at start with what is wrong. */
export function loadServiceConfig(
  manifest: ServiceManifest,
  env: NodeJS.ProcessEnv = process.env,
): ServiceConfig {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    throw new Error(`${manifest.name}: bad environment: ${z.prettifyError(parsed.error)}`);
  }
  return {
    serviceName: manifest.name,
    manifest,
    port: parsed.data.PORT ?? manifest.port,
    databaseUrl: databaseUrlOf(manifest, env),
    rabbitmqUrls: parsed.data.RABBITMQ_URL,
    rabbitmqAddressOrder: parsed.data.RABBITMQ_ADDRESS_ORDER,
    rabbitmqTls: brokerTlsFrom(env),
    brokerTopology: parsed.data.BROKER_TOPOLOGY,
    queueKind: parsed.data.QUEUE_TYPE,
    inboxGroupCommit: parsed.data.INBOX_GROUP_COMMIT,
    exchangePrefix: parsed.data.EXCHANGE_PREFIX,
    logLevel: parsed.data.LOG_LEVEL,
    outboxPollIntervalMs: durationFromEnv(env, 'OUTBOX_POLL_INTERVAL_MS', 1000),
    outboxStallAfterMs: durationFromEnv(env, 'OUTBOX_STALL_AFTER_MS', 60_000),
    redeliveryDelaysMs: durationsFromEnv(env, 'REDELIVERY_DELAYS_MS'),
    messageKeyRing: messageKeysFrom(env),
    verifyPublishers: booleanFromEnv(env, 'VERIFY_PUBLISHERS'),
    trustedPublishers: (env['TRUSTED_PUBLISHERS'] ?? '')
      .split(',')
      .map((user) => user.trim())
      .filter(Boolean),
    tracing: parsed.data.OTEL_EXPORTER_OTLP_ENDPOINT
      ? {
          otlpEndpoint: parsed.data.OTEL_EXPORTER_OTLP_ENDPOINT,
          scheduleDelayMs: durationFromEnv(env, 'OTEL_BSP_SCHEDULE_DELAY', 5000),
          sampleRatio:
            parsed.data.OTEL_TRACES_SAMPLER === 'parentbased_traceidratio'
              ? (parsed.data.OTEL_TRACES_SAMPLER_ARG ?? 1)
              : 1,
        }
      : undefined,
    operatorAccess: {
      operators: parseOperatorTokens(operatorTokensFrom(env)),
      publicRoutes: parsePublicRoutes(env['PUBLIC_ROUTES']),
    },
  };
}

function brokerTlsFrom(env: NodeJS.ProcessEnv): BrokerTls | undefined {
  const [ca, cert, key] = ['RABBITMQ_CA_FILE', 'RABBITMQ_CERT_FILE', 'RABBITMQ_KEY_FILE'].map(
    (name) => fileFrom(env, name),
  );
  if (Boolean(cert) !== Boolean(key)) {
    throw new Error('Set RABBITMQ_CERT_FILE and RABBITMQ_KEY_FILE together, or neither');
  }
  return ca || cert ? { ca, cert, key } : undefined;
}

/** The content of the file the variable names, or undefined when it is unset. */
function fileFrom(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[name];
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${name}: cannot read ${file}: ${(error as Error).message}`);
  }
}

/** `OPERATOR_TOKENS`, or the content of the file `OPERATOR_TOKENS_FILE` names (one or the other). */
function operatorTokensFrom(env: NodeJS.ProcessEnv): string | undefined {
  return secretFrom(env, 'OPERATOR_TOKENS');
}

function messageKeysFrom(env: NodeJS.ProcessEnv): MessageKeyRing | undefined {
  const text = secretFrom(env, 'MESSAGE_KEYS');
  return text ? MessageKeyRing.parse(text) : undefined;
}

/** A secret from `<name>`, or from the file `<name>_FILE` names (a Docker secret): one, not both. */
function secretFrom(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file && env[name]) throw new Error(`Set ${name} or ${name}_FILE, not both`);
  return file ? fileFrom(env, `${name}_FILE`)?.trim() : env[name] || undefined;
}

/** `true` or `false` (default false); anything else stops the service with what it got. */
function booleanFromEnv(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

/** A positive whole number from the environment (a count, a limit), or the default. */
export function countFromEnv(env: NodeJS.ProcessEnv, name: string, defaultCount: number): number {
  return positiveIntegerFromEnv(env, name, defaultCount, 'a positive whole number');
}

/** A positive duration from the environment, in milliseconds, or the default. */
export function durationFromEnv(env: NodeJS.ProcessEnv, name: string, defaultMs: number): number {
  return positiveIntegerFromEnv(env, name, defaultMs, 'a positive whole number of milliseconds');
}

function positiveIntegerFromEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  defaultValue: number,
  what: string,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return defaultValue;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be ${what}, got "${raw}"`);
  return value;
}

/** A comma-separated list of positive durations in milliseconds, e.g. `500,2000`. */
export function durationsFromEnv(env: NodeJS.ProcessEnv, name: string): number[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw.split(',').map((part) => durationFromEnv({ [name]: part.trim() }, name, 0));
}
